/** A problem in an input file, positioned so an editor can jump to it. */
export interface Diagnostic {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  /** 1-based; 0 when unknown. */
  readonly col: number;
  readonly message: string;
  /** What to change, in the user's terms. */
  readonly hint?: string;
}

/** `file:LINE:COL: message` (the form compilers use), then the hint on its own line. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col > 0 ? `${d.col}:` : ''}` : `${d.file}:`;
  return d.hint ? `${where} ${d.message}\n  → ${d.hint}` : `${where} ${d.message}`;
}
