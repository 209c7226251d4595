import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { k6ReportTotals } from '../devenv/test/k6-report-totals.js';
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

/** The run's report (.devenv/load/), removed with its summary export when the test ends. */
function removedAfterTest(output: string): string | undefined {
  const report = /^Report: (.*\.html)$/m.exec(output)?.[1];
  if (report !== undefined)
    onTestFinished(() => {
      rmSync(report, { force: true });
      rmSync(report.replace(/\.html$/, '.summary.json'), { force: true });
    });
  return report;
}

describe('devenv load against a dispatcher devenv started', () => {
  it('passes with the session token: k6 sends it on HTTP and gRPC', async () => {
    const run = smoke(TOKEN);
    const { code } = await run.exited;
    expect(code, run.output().slice(-3_000)).toBe(0);
    // Every run ends with the table and the path of k6's HTML report, whose totals match it.
    const report = removedAfterTest(run.output());
    expect(report, run.output().slice(-3_000)).toBeDefined();
    const httpRequests = Number(/^HTTP +(\d+) /m.exec(run.output())?.[1]);
    expect(httpRequests).toBeGreaterThan(0);
    expect(run.output()).toMatch(/^gRPC +\d+ /m);
    expect(run.output()).toContain('✓ http_req_failed: rate<0.01');
    expect(k6ReportTotals(readFileSync(report!, 'utf8'))['http_reqs']?.[0]).toBe(httpRequests);
  }, 90_000);

  it('fails its checks with another token (401 / UNAUTHENTICATED)', async () => {
    const run = smoke('not-the-session-token');
    const { code } = await run.exited;
    removedAfterTest(run.output());
    expect(code, run.output().slice(-3_000)).toBe(1);
  }, 90_000);
});
