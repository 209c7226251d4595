import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { nodeService } from '../../test/stack-builder.js';
import { isAnswer, startGuardServer, verdictOf } from './guard-server.js';

describe('verdictOf (one answer line)', () => {
  it('passes no violations, refuses violations and errors, and says when the line is not JSON', () => {
    expect(verdictOf('{"checked":2,"violations":[]}')).toEqual({ ok: true, value: undefined });
    expect(verdictOf('{"checked":1,"violations":[{"workflowId":"w"}]}')).toEqual({
      ok: false,
      error: '{"checked":1,"violations":[{"workflowId":"w"}]}',
    });
    expect(verdictOf('{"error":"no Temporal"}')).toEqual({
      ok: false,
      error: 'the guard could not check: no Temporal',
    });
    expect(verdictOf('bundling…')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not JSON'),
    });
    expect(isAnswer('{"level":30,"msg":"bundling"}')).toBe(false);
    expect(isAnswer('webpack compiled')).toBe(false);
    expect(isAnswer('{"checked":0,"violations":[]}')).toBe(true);
    expect(isAnswer('{"error":"x"}')).toBe(true);
    expect(verdictOf('[1]')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not a JSON object'),
    });
  });
});

// A stand-in guard process (not the Temporal replay guard, which workers/test/replay-guard.test.ts
// runs for real): it counts checks and answers per its script.
const standIn = (script: string) =>
  startGuardServer({ command: nodeService(script), cwd: process.cwd(), env: process.env });

describe('guard server (a real process speaking the protocol)', () => {
  it('answers every check from the same process', async () => {
    const server = standIn(`let n = 0;
      require('readline').createInterface({ input: process.stdin }).on('line', () => {
        n++; console.log(JSON.stringify({ level: 30, msg: 'a log line first' }));
        console.log(JSON.stringify({ pid: process.pid, n, violations: n === 3 ? [{ workflowId: 'w' }] : [] }));
      });`);
    try {
      expect(await server.check(10_000)).toEqual({ ok: true, value: undefined });
      expect(await server.check(10_000)).toEqual({ ok: true, value: undefined });
      const third = await server.check(10_000);
      expect(third.ok).toBe(false);
      if (!third.ok) expect(JSON.parse(third.error)).toMatchObject({ n: 3 });
    } finally {
      server.close();
    }
  });

  it('with warmNow false, starts the process only at warm() (once), not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-warm-'));
    const marker = join(dir, 'starts');
    const server = startGuardServer({
      command: nodeService(`require('fs').appendFileSync(${JSON.stringify(marker)}, 'x');
        require('readline').createInterface({ input: process.stdin }).on('line', () =>
          console.log(JSON.stringify({ violations: [] })));`),
      cwd: process.cwd(),
      env: process.env,
      warmNow: false,
    });
    try {
      await sleep(500);
      expect(existsSync(marker)).toBe(false);
      server.warm();
      server.warm();
      expect(await server.check(10_000)).toEqual({ ok: true, value: undefined });
      expect(readFileSync(marker, 'utf8')).toBe('x');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a guard that dies mid-check with its last words, and starts it again next time', async () => {
    const server = standIn(`const fs = require('fs');
      require('readline').createInterface({ input: process.stdin }).on('line', () => {
        if (!process.env.GUARD_SECOND) { console.error('out of memory, say'); process.exit(3); }
      });`);
    try {
      const died = await server.check(10_000);
      expect(died).toEqual({
        ok: false,
        error: 'the guard exited before it answered:\nout of memory, say',
      });
      const again = await server.check(10_000);
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error).toContain('exited before it answered');
    } finally {
      server.close();
    }
  });

  it('gives up on a guard that does not answer in time', async () => {
    const server = standIn(`process.stdin.resume(); setInterval(() => {}, 1000);`);
    try {
      expect(await server.check(300)).toEqual({
        ok: false,
        error: 'the guard did not answer within 0.3 s',
      });
    } finally {
      server.close();
    }
  });
});
