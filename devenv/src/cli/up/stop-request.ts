import { signalGroup } from '../../runtime/process-group.js';
import { messageOf } from '../../../shared/result.js';
import { readSession } from '../../session/session-file.js';
import type { CommandContext } from '../command.js';
import type { Reporter } from '../reporter.js';

export type StopCause =
  { readonly kind: 'signal' } | { readonly kind: 'fault'; readonly error: unknown };

/**
 * When `up` should stop its stack: a signal (SIGINT, SIGTERM, SIGHUP), the reader of its output
 * going away, or a fault anywhere in devenv (an exception nothing caught, a promise rejection
 * nobody handled), which would otherwise end devenv at once and leave every service running.
 */
export function watchForStop(ctx: CommandContext, reporter: Reporter, session: string) {
  let request!: (cause: StopCause) => void;
  const requested = new Promise<StopCause>((resolve) => (request = resolve));
  let fault: { readonly error: unknown } | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      reporter.line(`${signal}: stopping everything (again to force)`);
      request({ kind: 'signal' });
    } else {
      // The user insists: kill every group now rather than wait for graceful stops.
      for (const leftover of Object.values(readSession(session)?.services ?? {})) {
        if (leftover.kind === 'process-group') signalGroup(leftover.pgid, 'SIGKILL');
      }
    }
  };
  const onFault = (error: unknown) => {
    if (fault) return;
    fault = { error };
    try {
      ctx.err(`devenv: internal error, stopping the stack: ${messageOf(error)}`);
    } catch {
      // The output is broken too; main reports the error once the stack is down.
    }
    request({ kind: 'fault', error });
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  // The reader of our output is gone (`devenv up | head`): nobody is watching, so stop as on
  // SIGHUP rather than keep a stack running that nothing can stop but `devenv down`.
  ctx.onOutputClosed?.(() => request({ kind: 'signal' }));
  return {
    requested,
    fault: () => fault,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}

export type StopRequest = ReturnType<typeof watchForStop>;
