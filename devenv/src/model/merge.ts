import {
  AS_MAPPING,
  BY_KEY,
  IDENTITY,
  REPLACED,
  rulePath,
  sameData,
  sameLoggingDriver,
  TO_SEQUENCE,
} from './merge-rules.js';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/**
 * Where a merged value came from: a file (index into the list of files) and the path inside it.
 * A value merged from several files has `children`; any path below a node without children lies
 * in that node's file at the same relative path.
 */
export interface Origin {
  readonly file: number;
  readonly path: TreePath;
  readonly children?: ReadonlyMap<string | number, Origin>;
}

/** A value with the origin of every part of it. */
export interface Tagged {
  readonly value: unknown;
  readonly origin: Origin;
}

/** One document to merge, with the paths its `!reset` / `!override` tags clear in earlier ones. */
export interface TaggedDocument extends Tagged {
  readonly resets: readonly TreePath[];
}

/** File index and in-file path of `path` in the merged document. */
export function locate(origin: Origin, path: TreePath): { file: number; path: TreePath } {
  let node = origin;
  let i = 0;
  for (; i < path.length; i++) {
    const child = node.children?.get(path[i] as string | number);
    if (!child) break;
    node = child;
  }
  return { file: node.file, path: [...node.path, ...path.slice(i)] };
}

/** Plain documents, the i-th from file i, merged as `docker compose -f … -f …` merges them. */
export function mergeDocuments(documents: readonly unknown[]): { data: unknown; origin: Origin } {
  const merged = mergeTaggedDocuments(
    documents.map((value, file) => ({ value, origin: { file, path: [] }, resets: [] })),
  );
  return { data: merged.value, origin: merged.origin };
}

/**
 * Merges Compose documents as compose-go v2 does (merge-rules.ts has the rules per field), later
 * documents overriding earlier ones: mappings merge recursively; scalars and mismatched types are
 * replaced; sequences append without duplicates, with per-field exceptions. A `null` in an
 * override keeps the earlier value; a path tagged `!reset` or `!override` in a document is first
 * removed from what came before.
 */
export function mergeTaggedDocuments(documents: readonly TaggedDocument[]): Tagged {
  const [first, ...rest] = documents;
  if (!first) return { value: undefined, origin: { file: 0, path: [] } };
  let merged: Tagged = first;
  for (const document of rest)
    merged = mergeValue(withoutPaths(merged, document.resets), document, []);
  return merged;
}

/** `over` merged onto `base` at `path` of a document (`['services', name]` for extends). */
export function mergeAt(base: Tagged, over: Tagged, path: readonly string[]): Tagged {
  return mergeValue(base, over, path);
}

/** `tagged` without the mapping entries at `paths` (relative to it), as `!reset` clears them. */
export function withoutPaths(tagged: Tagged, paths: readonly TreePath[]): Tagged {
  let result = tagged;
  for (const path of paths) result = without(result, path);
  return result;
}

function without(tagged: Tagged, path: TreePath): Tagged {
  const [step, ...rest] = path;
  if (step === undefined || !isPlainObject(tagged.value) || !Object.hasOwn(tagged.value, step))
    return tagged;
  const value: Record<string, unknown> = {};
  const children = new Map(tagged.origin.children ?? []);
  for (const [key, item] of Object.entries(tagged.value)) {
    if (key !== String(step)) {
      setOwn(value, key, item);
      continue;
    }
    if (rest.length === 0) {
      children.delete(key);
      continue;
    }
    const inner = without({ value: item, origin: child(tagged.origin, key) }, rest);
    setOwn(value, key, inner.value);
    children.set(key, inner.origin);
  }
  return { value, origin: { ...tagged.origin, children } };
}

function mergeValue(base: Tagged, over: Tagged, path: readonly string[]): Tagged {
  if (over.value === null || over.value === undefined) return base;
  if (base.value === null || base.value === undefined) return over;
  const rule = rulePath(path);
  if (
    REPLACED.has(rule) ||
    (path[0] === 'services' && path[2] === 'x-devenv' && Array.isArray(over.value))
  )
    return over;
  if (BY_KEY.has(rule)) return mergeConverted(asKeyed(base), asKeyed(over), over, path);
  const defaults = AS_MAPPING[rule];
  if (defaults !== undefined)
    return mergeConverted(asMapping(base, defaults), asMapping(over, defaults), over, path);
  if (rule === 'services.*.build') return mergeConverted(asBuild(base), asBuild(over), over, path);
  if (rule === 'services.*.logging' && !sameLoggingDriver(base.value, over.value)) return over;
  if (TO_SEQUENCE.has(rule)) return appendSequences(asSequence(base), asSequence(over), rule);
  if (isPlainObject(base.value) && isPlainObject(over.value)) return mergeMaps(base, over, path);
  if (Array.isArray(base.value) && Array.isArray(over.value))
    return appendSequences(base, over, rule);
  return over;
}

/** Both sides converted to mappings and merged; when either cannot be, the override wins. */
function mergeConverted(
  a: Tagged | undefined,
  b: Tagged | undefined,
  over: Tagged,
  path: readonly string[],
): Tagged {
  return a && b ? mergeMaps(a, b, path) : over;
}

function child(origin: Origin, key: string | number): Origin {
  return origin.children?.get(key) ?? { file: origin.file, path: [...origin.path, key] };
}

function mergeMaps(base: Tagged, over: Tagged, path: readonly string[]): Tagged {
  const a = base.value as Record<string, unknown>;
  const b = over.value as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const key of Object.keys(a)) {
    const mine: Tagged = { value: a[key], origin: child(base.origin, key) };
    const merged = Object.hasOwn(b, key)
      ? mergeValue(mine, { value: b[key], origin: child(over.origin, key) }, [...path, key])
      : mine;
    setOwn(value, key, merged.value);
    children.set(key, merged.origin);
  }
  for (const key of Object.keys(b)) {
    if (Object.hasOwn(a, key)) continue;
    setOwn(value, key, b[key]);
    children.set(key, child(over.origin, key));
  }
  return { value, origin: { ...over.origin, children } };
}

/**
 * The override's items after the base's, leaving out exact repeats; where the field has an
 * identity (a mount's target, a port…), a later item replaces the earlier one in its place.
 */
function appendSequences(base: Tagged, over: Tagged, rule: string): Tagged {
  const identity = IDENTITY[rule];
  const items: Tagged[] = [];
  const byIdentity = new Map<string, number>();
  for (const source of [base, over])
    (source.value as unknown[]).forEach((item: unknown, i) => {
      const tagged = { value: item, origin: child(source.origin, i) };
      const id = identity?.(item);
      const earlier = id === undefined ? undefined : byIdentity.get(id);
      if (earlier !== undefined) items[earlier] = tagged;
      else if (source === over && items.some((t) => sameData(t.value, item))) return;
      else {
        if (id !== undefined) byIdentity.set(id, items.length);
        items.push(tagged);
      }
    });
  return sequence(items, over.origin);
}

function sequence(items: readonly Tagged[], origin: Origin): Tagged {
  return {
    value: items.map((t) => t.value),
    origin: { ...origin, children: new Map(items.map((t, i) => [i, t.origin])) },
  };
}

/** A lone string as a one-item list (`dns: 1.1.1.1`); a list as it is. */
function asSequence(tagged: Tagged): Tagged {
  if (Array.isArray(tagged.value)) return tagged;
  return {
    value: [tagged.value],
    origin: { ...tagged.origin, children: new Map([[0, tagged.origin]]) },
  };
}

/** `build: ./dir` as `{context: ./dir}`. */
function asBuild(tagged: Tagged): Tagged | undefined {
  if (isPlainObject(tagged.value)) return tagged;
  if (typeof tagged.value !== 'string') return undefined;
  return {
    value: { context: tagged.value },
    origin: { ...tagged.origin, children: new Map([['context', tagged.origin]]) },
  };
}

/** `KEY=VAL` / `KEY` list items or a mapping, as a mapping; undefined when neither (a type error). */
function asKeyed(tagged: Tagged): Tagged | undefined {
  if (isPlainObject(tagged.value)) return tagged;
  if (!Array.isArray(tagged.value)) return undefined;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const [i, item] of (tagged.value as unknown[]).entries()) {
    if (typeof item !== 'string') return undefined;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    setOwn(value, key, eq < 0 ? null : item.slice(eq + 1));
    children.set(key, child(tagged.origin, i));
  }
  return { value, origin: { ...tagged.origin, children } };
}

/** A list of names (`depends_on: [db]`) as the mapping form, each name with `defaults`. */
function asMapping(
  tagged: Tagged,
  defaults: Readonly<Record<string, unknown>> | null,
): Tagged | undefined {
  if (isPlainObject(tagged.value)) return tagged;
  if (!Array.isArray(tagged.value)) return undefined;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const [i, item] of (tagged.value as unknown[]).entries()) {
    if (typeof item !== 'string') return undefined;
    setOwn(value, item, defaults === null ? null : { ...defaults });
    children.set(item, child(tagged.origin, i));
  }
  return { value, origin: { ...tagged.origin, children } };
}
