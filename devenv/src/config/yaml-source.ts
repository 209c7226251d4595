import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../result.js';

/** A parsed YAML file that can say where any value came from. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Position of the value at `path`, or of its nearest existing ancestor. */
  positionOf(path: readonly PropertyKey[]): { line: number; col: number };
  /** Position of the key that introduces `path` (where "unknown key" errors belong). */
  keyPositionOf(path: readonly PropertyKey[]): { line: number; col: number };
}

/** Parses YAML keeping positions; syntax errors become positioned diagnostics, never throws. */
export function parseYamlSource(text: string, file: string): Result<YamlSource, Diagnostic[]> {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (thrown) {
    return err([{ file, line: 0, col: 0, message: `cannot parse YAML: ${String(thrown)}` }]);
  }
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    // Only the first: the parser's later errors are mostly echoes of it.
    const pos = lineCounter.linePos(syntaxError.pos[0]);
    return err([{ file, line: pos.line, col: pos.col, message: firstLine(syntaxError.message) }]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (thrown) {
    return err([{ file, line: 1, col: 1, message: `cannot read YAML: ${String(thrown)}` }]);
  }
  const at = (offset: number | undefined) =>
    offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
  return ok({
    file,
    data,
    positionOf: (path) => at(nodeAt(doc.contents, path).node?.range?.[0]),
    keyPositionOf: (path) => {
      const found = nodeAt(doc.contents, path);
      return at((found.exact ? found.key : undefined)?.range?.[0] ?? found.node?.range?.[0]);
    },
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

interface Found {
  node: Node | null | undefined;
  key: Node | undefined;
  exact: boolean;
}

function nodeAt(root: Node | null | undefined, path: readonly PropertyKey[]): Found {
  let found: Found = { node: root, key: undefined, exact: true };
  for (const step of path) {
    const { node } = found;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
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
