import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../process/free-port.js';
import { grafanaAnswers, grafanaRunUrl } from './load-targets.js';

describe('load targets: the Grafana link', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('is offered only where Grafana answers its health check (stand-in Grafana, not the real one)', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/api/health' ? 200 : 404);
      res.end('{"database":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    expect(await grafanaAnswers(`http://127.0.0.1:${port}`)).toBe(true);
    expect(await grafanaAnswers(`http://127.0.0.1:${await freePort()}`)).toBe(false);
  });

  it('filters the k6 dashboard to the run testid, with 30 s either side', () => {
    expect(grafanaRunUrl('http://127.0.0.1:3000', 'smoke-20261204-235905', 100_000, 200_000)).toBe(
      'http://127.0.0.1:3000/d/time-cop-k6/k6?orgId=1&var-testid=smoke-20261204-235905&from=70000&to=230000',
    );
  });
});
