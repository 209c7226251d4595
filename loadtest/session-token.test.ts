import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevenv } from '../devenv/test/devenv-process.js';
import {
  startDispatcherProcess,
  type DispatcherProcess,
} from '../dispatcher/test/dispatcher-process.js';
import { startDevServer, type DevServer } from '../dispatcher/test/temporal-dev-server.js';

/**
 * Issue #16: a dispatcher started by devenv requires the session token on its starts, and
 * `devenv load` hands it to k6 (in k6's environment), whose scripts send it. Real k6, the real
 * dispatcher process with a session token, a real dev server (no workers: the smoke profile
 * checks that starts are accepted, not that workflows finish).
 */
const TOKEN = 'load-test-session-token-0123456789abcdefghi';
let temporal: DevServer;
let dispatcher: DispatcherProcess;

beforeAll(async () => {
  temporal = await startDevServer();
  dispatcher = await startDispatcherProcess(
    { TEMPORAL_HOST: temporal.address, DEVENV_SESSION_TOKEN: TOKEN },
    { keepLogs: false },
  );
}, 90_000);

afterAll(async () => {
  await dispatcher?.stop();
  await temporal?.stop();
});

const smoke = (token: string) =>
  startDevenv(
    [
      'load',
      'smoke',
      '--target',
      dispatcher.httpUrl,
      '--grpc-target',
      dispatcher.grpcAddress,
      '--no-prometheus',
    ],
    undefined,
    { ...process.env, DEVENV_SESSION_TOKEN: token },
  );

describe('devenv load against a dispatcher devenv started', () => {
  it('passes with the session token: k6 sends it on HTTP and gRPC', async () => {
    const run = smoke(TOKEN);
    const { code } = await run.exited;
    expect(code, run.output().slice(-3_000)).toBe(0);
  }, 90_000);

  it('fails its checks with another token (401 / UNAUTHENTICATED)', async () => {
    const run = smoke('not-the-session-token');
    const { code } = await run.exited;
    expect(code, run.output().slice(-3_000)).toBe(1);
  }, 90_000);
});
