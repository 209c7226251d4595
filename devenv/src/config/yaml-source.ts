import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  visit,
} from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../../shared/result.js';

/** A parsed YAML file that can say where any value came from. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Position of the value at `path`, or of its nearest existing ancestor. */
  positionOf(path: readonly PropertyKey[]): { line: number; col: number };
  /** Position of the key that introduces `path` (where "unknown key" errors belong). */
  keyPositionOf(path: readonly PropertyKey[]): { line: number; col: number };
}

export interface YamlSourceOptions {
  /**
   * Honour YAML 1.1 merge keys (`<<: *anchor`), as Compose files use them. Positions of merged-in
   * values then point into the anchored mapping they came from.
   */
  readonly mergeKeys?: boolean;
  /**
   * Every mapping key must be a string, as Compose requires: `123:` or `true:` unquoted is a
   * number or a boolean (YAML's types), reported at the key.
   */
  readonly stringKeys?: boolean;
}

/** Parses YAML keeping positions; syntax errors become positioned diagnostics, never throws. */
export function parseYamlSource(
  text: string,
  file: string,
  options: YamlSourceOptions = {},
): Result<YamlSource, Diagnostic[]> {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: options.mergeKeys ?? false,
    });
  } catch (thrown) {
    return err([{ file, line: 0, col: 0, message: `cannot parse YAML: ${String(thrown)}` }]);
  }
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    // Only the first: the parser's later errors are mostly echoes of it.
    const pos = lineCounter.linePos(syntaxError.pos[0]);
    return err([{ file, line: pos.line, col: pos.col, message: firstLine(syntaxError.message) }]);
  }
  // Only a text with a `*` can hold an alias; most compose files have none.
  const aliasProblem = text.includes('*') ? aliasProblemOf(doc, file, lineCounter) : undefined;
  if (aliasProblem) return err([aliasProblem]);
  const typedKey = options.stringKeys && MAYBE_TYPED_KEY.test(text) ? nonStringKey(doc) : undefined;
  if (typedKey !== undefined) {
    const pos = lineCounter.linePos(typedKey.offset);
    return err([
      {
        file,
        line: pos.line,
        col: pos.col,
        message: `the key ${typedKey.text} is ${typedKey.kind}, not a string`,
        hint: `quote it ("${typedKey.text}") if it is meant as a name`,
      },
    ]);
  }
  let data: unknown;
  try {
    // aliasBomb bounded the expanded size; the package's own guard, which multiplies an anchor's
    // uses by the aliases inside it, refuses real files (forty services sharing one defaults
    // anchor that itself merges others).
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (thrown) {
    return err([{ file, line: 1, col: 1, message: `cannot read YAML: ${String(thrown)}` }]);
  }
  const at = (offset: number | undefined) =>
    offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
  return ok({
    file,
    data,
    positionOf: (path) => at(nodeAt(doc, path).node?.range?.[0]),
    keyPositionOf: (path) => {
      const found = nodeAt(doc, path);
      return at((found.exact ? found.key : undefined)?.range?.[0] ?? found.node?.range?.[0]);
    },
  });
}

/** An alias inside the node it names, or aliases that expand the data past MAX_EXPANDED_NODES. */
function aliasProblemOf(
  doc: Document.Parsed,
  file: string,
  lineCounter: LineCounter,
): Diagnostic | undefined {
  const recursive = recursiveAlias(doc);
  if (recursive !== undefined)
    return {
      file,
      ...lineCounter.linePos(recursive),
      message: 'an alias refers to its own anchor',
    };
  const bomb = aliasBomb(doc);
  if (bomb !== undefined)
    return {
      file,
      ...lineCounter.linePos(bomb),
      message: `its aliases expand this value past ${MAX_EXPANDED_NODES.toLocaleString('en')} values`,
      hint: 'aliases of values that hold aliases multiply: write the shared values out, or use extends',
    };
  return undefined;
}

/**
 * Offset of an alias used inside the node it names (`a: &x [*x]`): YAML allows it, but the data
 * would be circular, and every consumer walking it would never finish.
 */
function recursiveAlias(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc) as Node | undefined;
      const [start] = alias.range ?? [];
      const range = target?.range;
      if (start !== undefined && range && start >= range[0] && start < range[2]) {
        found = start;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Most values a document may hold with every alias expanded. What reads the data (merging,
 * interpolation, checks) walks it expanded, so aliases of aliases (`b: [*a, *a]`, `c: [*b, *b]`,
 * …) would take it exponential time; real files with shared defaults expand to a few thousand.
 */
const MAX_EXPANDED_NODES = 1_000_000;

/**
 * Offset of the first (innermost) collection whose expansion exceeds MAX_EXPANDED_NODES, counted
 * once per node with each anchor's size remembered, so the count itself stays linear.
 */
function aliasBomb(doc: Document.Parsed): number | undefined {
  const sizes = new Map<Node, number>();
  let found: number | undefined;
  const sizeOf = (node: unknown): number => {
    if (found !== undefined) return 0;
    if (isAlias(node)) return sizeOf(node.resolve(doc));
    if (isPair(node)) return sizeOf(node.key) + sizeOf(node.value);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    for (const item of node.items) size += sizeOf(item);
    if (size > MAX_EXPANDED_NODES && found === undefined) found = node.range?.[0] ?? 0;
    sizes.set(node, size);
    return size;
  };
  sizeOf(doc.contents);
  return found;
}

/**
 * A line or flow mapping that may hold a key YAML does not read as a string: one starting like a
 * number, a boolean or null, or a complex, tagged, anchored or aliased key. A cheap test that
 * spares most files the walk over every pair; a false alarm only costs the walk.
 */
const MAYBE_TYPED_KEY =
  /(?:^[ \t]*(?:-[ \t]+)*|[{,][ \t]*)(?:[-+]?[.\d]|[~?[{&!*]|true|false|null|True|False|TRUE|FALSE|Null|NULL)[^:\n]*:(?:[ \t]|$)/m;

/** The first mapping key that YAML reads as something other than a string. */
function nonStringKey(
  doc: Document.Parsed,
): { offset: number; text: string; kind: string } | undefined {
  let found: { offset: number; text: string; kind: string } | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      // `<<` (a merge key) is a symbol; an absent key (`: x`) is null.
      const value: unknown = isScalar(key) ? key.value : key;
      if (typeof value === 'string' || typeof value === 'symbol') return undefined;
      const kind =
        typeof value === 'number' || typeof value === 'bigint'
          ? 'a number'
          : typeof value === 'boolean'
            ? 'a boolean'
            : value === null
              ? 'null'
              : 'a collection';
      found = {
        offset: key?.range?.[0] ?? 0,
        text: isScalar(key) ? (key.source ?? String(value)) : String(key),
        kind,
      };
      return visit.BREAK;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

interface Found {
  node: Node | null | undefined;
  key: Node | undefined;
  exact: boolean;
}

function nodeAt(doc: Document.Parsed, path: readonly PropertyKey[]): Found {
  let found: Found = { node: doc.contents, key: undefined, exact: true };
  for (const step of path) {
    const node = resolved(doc, found.node);
    if (isMap(node)) {
      const pair = pairOf(doc, node, String(step), 0);
      if (!pair) return { ...found, exact: false };
      found = { node: pair.value as Node | null, key: pair.key as Node, exact: true };
    } else if (isSeq(node) && typeof step === 'number' && node.items[step] !== undefined) {
      found = { node: node.items[step] as Node, key: undefined, exact: true };
    } else {
      return { ...found, exact: false };
    }
  }
  // A key with an empty value has no node of its own: point at the key instead.
  return found.node ? found : { ...found, node: found.key };
}

/** An alias stands for the node its anchor names; positions belong to that node. */
function resolved(doc: Document.Parsed, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

const MAX_MERGE_DEPTH = 20;

/** The pair for `key`: the map's own, else the first merge source (`<<`) that has it, as YAML merges. */
function pairOf(doc: Document.Parsed, map: YAMLMap, key: string, depth: number): Pair | undefined {
  const own = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (own || depth > MAX_MERGE_DEPTH) return own;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue;
    const value = pair.value as Node | null;
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const target = resolved(doc, source);
      const inherited = isMap(target) ? pairOf(doc, target, key, depth + 1) : undefined;
      if (inherited) return inherited;
    }
  }
  return undefined;
}
