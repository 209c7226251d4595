import { formatDiagnostic, type Diagnostic } from '../diagnostic.js';
import type { CommandContext } from './command.js';

export function printDiagnostics(ctx: CommandContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) ctx.err(formatDiagnostic(d));
}

/**
 * The real terminal: the one place that writes to the process's streams.
 *
 * When whoever reads our output goes away (`devenv logs | head`), the next write fails with
 * EPIPE. Unless the command asked to hear of it (`onOutputClosed`, as `up` does to stop its
 * stack first), devenv then exits at once and quietly, as command-line tools do, instead of
 * dying of an unhandled 'error' event with a stack trace.
 */
export function processOutput(): Pick<CommandContext, 'out' | 'err' | 'stdout' | 'onOutputClosed'> {
  let listener: (() => void) | undefined;
  let closed = false;
  const onError = () => {
    if (closed) return;
    closed = true;
    if (listener) listener();
    else process.exit(process.exitCode ?? 0);
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  return {
    stdout: process.stdout,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    onOutputClosed: (onClosed) => {
      listener = onClosed;
    },
  };
}
