import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../process/free-port.js';
import { hotSwapOutcome, requestHotSwap } from './hot-swap.js';

describe('what a hot reload answer means', () => {
  it('2xx: swapped, with what the service said', () => {
    expect(hotSwapOutcome(200, '{"generation":3,"ms":84}')).toEqual({
      kind: 'swapped',
      detail: 'generation 3, 84 ms',
    });
  });

  it('400/409/422: refused, with the error the service gave', () => {
    for (const status of [400, 409, 422])
      expect(hotSwapOutcome(status, '{"error":"a.ts:3:1: Expected \\";\\""}')).toEqual({
        kind: 'refused',
        detail: 'a.ts:3:1: Expected ";"',
      });
    expect(hotSwapOutcome(422, '')).toEqual({ kind: 'refused', detail: 'HTTP 422' });
  });

  it('anything else: restart instead, saying what came back', () => {
    expect(hotSwapOutcome(404, '{"error":"not found"}')).toEqual({
      kind: 'restart-instead',
      detail: 'it answered HTTP 404: not found',
    });
    expect(hotSwapOutcome(500, '<html>oops</html>').kind).toBe('restart-instead');
  });
});

describe('asking a real HTTP server', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = req.method !== 'POST' ? 405 : req.url === '/ok' ? 200 : 422;
        res.writeHead(status, { 'content-type': 'application/json' });
        // The answer repeats the files it was told about.
        const paths = (JSON.parse(body) as { paths: string[] }).paths.join(' ');
        res.end(status === 200 ? JSON.stringify({ reloaded: paths, ms: 12 }) : '{"error":"no"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('POSTs the changed files, and reads swapped and refused answers', async () => {
    expect(await requestHotSwap(`${base}/ok`, ['/p/a.ts', '/p/b.ts'], 5_000)).toEqual({
      kind: 'swapped',
      detail: 'reloaded /p/a.ts /p/b.ts, 12 ms',
    });
    expect(await requestHotSwap(`${base}/bad`, ['/p/a.ts'], 5_000)).toEqual({
      kind: 'refused',
      detail: 'no',
    });
  });

  it('restarts instead when nothing listens, or nothing answers in time', async () => {
    const closed = await requestHotSwap(`http://127.0.0.1:${await freePort()}/reload`, [], 5_000);
    expect(closed).toMatchObject({
      kind: 'restart-instead',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    const slow = await requestHotSwap(`${base}/slow`, [], 200);
    expect(slow).toMatchObject({
      kind: 'restart-instead',
      detail: expect.stringContaining('within 200 ms'),
    });
  });
});
