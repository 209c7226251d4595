import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../process/free-port.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

  it('refuses a profile that does not exist', () => {
    const runner = createLoadRunner({ projectRoot: PROJECT_ROOT, toolchain, log: () => {} });
    expect(runner.start('smok')).toEqual({
      started: false,
      reason: 'no profile "smok" in loadtest/profiles/',
    });
    expect(runner.status()).toBeUndefined();
  });
});
