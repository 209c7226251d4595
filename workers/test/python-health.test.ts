/**
 * Issue #16: the Python worker's health server (workers/python/timecop_worker/health.py) must
 * survive whatever reaches its port: an over-long request line, too many headers, binary garbage,
 * clients that hang up or never finish. Each gets an HTTP error (or its connection closed), and
 * the probes keep answering. The real module on the real interpreter of the worker's venv.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkerPython, pythonWorkerCommand } from '../python/env.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';

/** The health server alone, ready, on a free port it prints. */
const SERVER = `
import asyncio
from timecop_worker import health

async def ready():
    return None

async def main():
    server = await health.start("127.0.0.1", 0, ready)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
`;

let child: ChildProcess;
let port: number;
let stderr = '';

beforeAll(async () => {
  const venv = await ensureWorkerPython();
  if (!venv.ok) throw new Error(`no Python worker venv: ${JSON.stringify(venv.error)}`);
  const command = pythonWorkerCommand(venv.value);
  child = spawn(command.command, ['-c', SERVER], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`health server exited (${code}):\n${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(Number(line)));
  });
}, 120_000);

afterAll(() => {
  child?.kill('SIGKILL');
});

/** Writes raw bytes, then reads until the server closes: the status line, or '' if none came. */
function raw(bytes: Buffer | string, options: { readonly end?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').split('\r\n')[0]!));
    socket.write(bytes, () => {
      if (options.end ?? true) socket.end();
    });
  });
}

async function probe(path: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
}

describe('the Python health server under bad input', () => {
  it('answers an over-long request line with 431 and keeps serving', async () => {
    expect(await raw(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    // Longer than the stream's buffer, with no newline at all, and the client hangs up.
    expect(await raw('G'.repeat(300_000))).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await probe('/healthz')).toBe(200);
  });

  it('answers garbage with 400, a header flood with 431, another method with 405', async () => {
    const garbage = Buffer.from(Array.from({ length: 4_096 }, (_, i) => (i * 7919) % 256));
    expect(await raw(Buffer.concat([garbage, Buffer.from('\r\n\r\n')]))).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect(await raw('\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    const headers = Array.from({ length: 500 }, (_, i) => `X-${i}: y\r\n`).join('');
    expect(await raw(`GET /healthz HTTP/1.1\r\n${headers}\r\n`)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    expect(await raw('POST /readyz HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(
      'HTTP/1.1 405 Method Not Allowed',
    );
    expect(await probe('/readyz')).toBe(200);
  });

  it('survives clients that hang up mid-request, 50 at once', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        raw(i % 2 === 0 ? 'GET /healthz HTT' : Buffer.from([0, 255, 10, 13, 0])),
      ),
    );
    expect(await probe('/healthz')).toBe(200);
    expect(await probe('/readyz')).toBe(200);
    expect(child.exitCode).toBeNull();
    // Nothing went unhandled: asyncio prints those as tracebacks on stderr.
    expect(stderr).not.toMatch(/Traceback|Unhandled exception|Task exception/);
  });
});
