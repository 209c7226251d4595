import { formatDiagnostic, type Diagnostic } from '../diagnostic.js';
import type { CommandContext } from './command.js';

export function printDiagnostics(ctx: CommandContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) ctx.err(formatDiagnostic(d));
}

/** The real terminal: the one place that writes to the process's streams. */
export function processOutput(): Pick<CommandContext, 'out' | 'err' | 'stdout'> {
  return {
    stdout: process.stdout,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  };
}
