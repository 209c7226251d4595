import { formatDiagnostic, type Diagnostic } from '../diagnostic.js';
import type { CommandContext } from './command.js';

export function printDiagnostics(ctx: CommandContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) ctx.err(formatDiagnostic(d));
}

/** The real terminal: the one place that writes to the process's streams. */
export function processOutput(): Pick<
  CommandContext,
  'out' | 'err' | 'stdout' | 'onOutputClosed'
> {
  return {
    stdout: process.stdout,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    onOutputClosed: (listener) => {
      let called = false;
      // Without a listener an EPIPE is an uncaught 'error' event: devenv would die at once and
      // leave every service it started running.
      const onError = () => {
        if (called) return;
        called = true;
        listener();
      };
      process.stdout.on('error', onError);
      process.stderr.on('error', onError);
    },
  };
}
