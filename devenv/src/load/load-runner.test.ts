import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../process/free-port.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { k6ReportTotals } from '../../test/k6-report-totals.js';
import { removeNewLoadReports } from '../../test/load-reports.js';
import { loadProjectVersions } from '../../test/project-versions.js';
import { PROJECT_ROOT } from '../project-root.js';
import { createToolchain, type Toolchain } from '../toolchain/toolchain.js';
import { createLoadRunner, describeLoad, type LoadRunner, type LoadStatus } from './load-runner.js';

function until(runner: LoadRunner, done: (s: LoadStatus) => boolean, ms = 30_000) {
  return new Promise<LoadStatus>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`status stayed ${JSON.stringify(runner.status())}`)),
      ms,
    );
    const check = () => {
      const status = runner.status();
      if (status && done(status)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(status);
      }
    };
    const unsubscribe = runner.subscribe(check);
    check();
  });
}

describe('load runner (the TUI k key; real k6)', () => {
  let toolchain: Toolchain;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    toolchain = createToolchain({
      projectRoot: PROJECT_ROOT,
      versions: await loadProjectVersions(),
    });
    const k6 = await toolchain.ensure('k6');
    if (!k6.ok) throw new Error(`k6 unavailable: ${JSON.stringify(k6.error)}`);
  }, 120_000);
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(removeNewLoadReports());

  it('a target that is down ends the run as aborted, with k6 lines in the log', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const runner = createLoadRunner({
      projectRoot: PROJECT_ROOT,
      toolchain,
      log: (stream, text) => lines.push(`${stream}: ${text}`),
      targets: {
        target: `http://127.0.0.1:${port}`,
        grpcTarget: `127.0.0.1:${port}`,
        prometheus: `http://127.0.0.1:${port}`,
      },
    });
    closers.push(() => runner.close());
    expect(runner.start('smoke')).toEqual({ started: true });
    expect(runner.start('load')).toEqual({ started: false, reason: 'smoke is still running' });
    const status = await until(runner, (s) => s.state === 'finished');
    expect(status.state === 'finished' && status.outcome.kind).toBe('aborted');
    expect(describeLoad(status)).toEqual({ text: 'load smoke ✗ aborted (k6 logs)', tone: 'bad' });
    expect(lines.join('\n')).toMatch(/stderr: .*target not ready/);
    expect(lines.join('\n')).toContain('Prometheus does not answer');
  }, 60_000);

  it('stop() interrupts a running profile and reports it as stopped (stand-in HTTP target, not the dispatcher)', async () => {
    // Answers /readyz so k6 gets past setup; the soak profile would otherwise run for 30 minutes.
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/readyz' ? 200 : 202, { 'content-type': 'application/json' });
      res.end('{"workflowId":"w","runId":"r"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const runner = createLoadRunner({
      projectRoot: PROJECT_ROOT,
      toolchain,
      log: () => {},
      targets: {
        target: `http://127.0.0.1:${port}`,
        grpcTarget: `127.0.0.1:${await freePort()}`,
        prometheus: `http://127.0.0.1:${await freePort()}`,
      },
    });
    closers.push(() => runner.close());
    expect(runner.stop()).toBe(false);
    runner.start('soak');
    await until(runner, (s) => s.state === 'running' && s.progress !== 'starting k6…');
    const asked = Date.now();
    expect(runner.stop()).toBe(true);
    const status = await until(runner, (s) => s.state === 'finished');
    expect(Date.now() - asked).toBeLessThan(20_000);
    expect(status.state === 'finished' && status.stopped).toBe(true);
    expect(describeLoad(status).text).toBe('load soak stopped');
  }, 90_000);

  it("a smoke run writes the k6 HTML report holding the run's request count, and logs the summary table (stand-in HTTP target, not the dispatcher; no gRPC target)", async () => {
    // Answers like the dispatcher's start routes, 20 ms late so k6's two VUs stay near 100 req/s.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = req.url === '/readyz' ? 200 : body.includes('nmae') ? 400 : 201;
        const answer = { workflow_id: `WorkflowDemoTypeScript-k-${Date.now()}`, run_id: 'r' };
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        }, 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const lines: string[] = [];
    const runner = createLoadRunner({
      projectRoot: PROJECT_ROOT,
      toolchain,
      log: (stream, text) => lines.push(`${stream}: ${text}`),
      targets: {
        target: `http://127.0.0.1:${port}`,
        grpcTarget: `127.0.0.1:${await freePort()}`,
        prometheus: `http://127.0.0.1:${await freePort()}`,
      },
    });
    closers.push(() => runner.close());
    runner.start('smoke');
    const status = await until(runner, (s) => s.state === 'finished', 90_000);
    const reportPath = status.state === 'finished' ? status.reportPath : undefined;
    expect(reportPath).toMatch(/\/\.devenv\/load\/smoke-\d{8}-\d{6}\.html$/);
    const summaryPath = reportPath!.replace(/\.html$/, '.summary.json');
    expect(statSync(reportPath!).mode & 0o777).toBe(0o600);
    const exported = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
      metrics: { http_reqs: { count: number } };
    };
    const requests = exported.metrics.http_reqs.count;
    expect(requests).toBeGreaterThan(20);
    expect(k6ReportTotals(readFileSync(reportPath!, 'utf8'))['http_reqs']?.[0]).toBe(requests);
    const log = lines.join('\n');
    expect(log).toMatch(new RegExp(`devenv: HTTP +${requests} `));
    expect(log).toContain(`devenv: Report: ${reportPath}`);
    expect(log).toContain('devenv: ✓ http_req_failed: rate<0.01');
  }, 120_000);

  it('refuses a profile that does not exist', () => {
    const runner = createLoadRunner({ projectRoot: PROJECT_ROOT, toolchain, log: () => {} });
    expect(runner.start('smok')).toEqual({
      started: false,
      reason: 'no profile "smok" in loadtest/profiles/',
    });
    expect(runner.status()).toBeUndefined();
  });
});
