import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/**
 * Compose's two merge tags: `!reset` clears what earlier files (or the extended service) set at
 * that path and leaves nothing in its place; `!override` clears it and puts this value instead of
 * merging with it.
 */
export interface ResetTags {
  /** Every tagged path (`!reset` and `!override`): cleared in what this document merges onto. */
  readonly cleared: readonly TreePath[];
  /** Paths tagged `!reset`: removed from this document itself. */
  readonly removed: readonly TreePath[];
}

const NONE: ResetTags = { cleared: [], removed: [] };
// Alias-heavy files could make the walk exponential, as they make YAML's own expansion.
const MAX_VISITS = 100_000;

/** The tagged paths of a compose file's text (a cheap no-op when it has no such tag). */
export function findResetTags(text: string): ResetTags {
  if (!text.includes('!reset') && !text.includes('!override')) return NONE;
  const doc = parseDocument(text, { merge: true, uniqueKeys: false });
  if (doc.errors.length > 0) return NONE;
  const found = { cleared: [] as TreePath[], removed: [] as TreePath[], visits: 0 };
  walk(doc, doc.contents, [], found);
  return { cleared: found.cleared, removed: found.removed };
}

interface Found {
  cleared: TreePath[];
  removed: TreePath[];
  visits: number;
}

function walk(doc: Document, node: unknown, path: TreePath, found: Found): void {
  if (++found.visits > MAX_VISITS) return;
  const target = isAlias(node) ? (node.resolve(doc) as Node | undefined) : (node as Node | null);
  if (!target) return;
  if (target.tag === '!reset' || target.tag === '!override') {
    found.cleared.push(path);
    if (target.tag === '!reset') found.removed.push(path);
    return;
  }
  if (isMap(target))
    for (const pair of target.items) {
      if (!isScalar(pair.key)) continue;
      // A merge key's entries belong to the mapping that merges them (as in compose-go).
      if (pair.key.value === '<<' || typeof pair.key.value === 'symbol') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) walk(doc, source, path, found);
      } else walk(doc, pair.value, [...path, String(pair.key.value)], found);
    }
  else if (isSeq(target)) target.items.forEach((item, i) => walk(doc, item, [...path, i], found));
}

/** `data` without the values tagged `!reset` (mapping entries and list items). */
export function removeTagged(data: unknown, paths: readonly TreePath[]): unknown {
  let result = data;
  // Deepest and last first, so that removing a list item does not shift the others' indexes.
  const ordered = [...paths].sort((a, b) => compareDescending(a, b));
  for (const path of ordered) result = removeAt(result, path);
  return result;
}

function compareDescending(a: TreePath, b: TreePath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(y).localeCompare(String(x));
  }
  return b.length - a.length;
}

function removeAt(data: unknown, path: TreePath): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return undefined;
  if (Array.isArray(data) && typeof step === 'number' && step < data.length) {
    const copy = [...(data as unknown[])];
    if (rest.length === 0) copy.splice(step, 1);
    else copy[step] = removeAt(copy[step], rest);
    return copy;
  }
  if (!isPlainObject(data) || !Object.hasOwn(data, step)) return data;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== String(step)) setOwn(copy, key, value);
    else if (rest.length > 0) setOwn(copy, key, removeAt(value, rest));
  }
  return copy;
}
