import { connect } from 'node:net';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () => done(passed(`${host}:${port} accepts connections`)));
    socket.once('timeout', () => done(failed(`${host}:${port}: no answer within ${timeoutMs} ms`)));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(failed(`${host}:${port}: ${error.code ?? error.message}`)),
    );
  });
}
