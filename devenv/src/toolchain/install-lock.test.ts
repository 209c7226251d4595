import { spawn } from 'node:child_process';
import { readFile, utimes, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import { cachedExecutable } from './cache-layout.js';
import { readProcStatSync } from '../runtime/proc-stat.js';
import { acquireInstallLock, installLockPath } from './install-lock.js';

const makeTempDir = useTempDirs();

async function lockIn(root: string, content?: string): Promise<string> {
  const path = installLockPath(root, 'buf', '1.2.3');
  await mkdir(dirname(path), { recursive: true });
  if (content !== undefined) await writeFile(path, content);
  return path;
}

/** A real process that has exited: its pid names no running process. */
async function pidOfEndedProcess(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the install lock file', () => {
  it('is created holding our pid and removed on release', async () => {
    const path = await lockIn(await makeTempDir());
    const held = await acquireInstallLock(path, { what: 'buf 1.2.3', log: () => {} });
    if (!held.ok) throw new Error(held.error);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(held.value.waitedFor).toBeUndefined();
    await held.value.release();
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('is taken over from an owner that is no longer running, saying so', async () => {
    const pid = await pidOfEndedProcess();
    const path = await lockIn(await makeTempDir(), JSON.stringify({ pid, startedAt: 1 }));
    const lines: string[] = [];
    const held = await acquireInstallLock(path, { what: 'buf 1.2.3', log: (l) => lines.push(l) });
    expect(held.ok).toBe(true);
    expect(lines).toEqual([
      `buf 1.2.3: taking over the install lock: pid ${pid}, which held it, is not running`,
    ]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('is taken over when its pid now names another process (a reused pid)', async () => {
    // A running process (the one running this test) that started at another time than the owner.
    const ticks = readProcStatSync('self')!.startTicks;
    const stale = JSON.stringify({ pid: process.pid, startedAt: 1, processStartTicks: ticks - 1 });
    const path = await lockIn(await makeTempDir(), stale);
    const lines: string[] = [];
    const held = await acquireInstallLock(path, {
      what: 'buf 1.2.3',
      log: (l) => lines.push(l),
      limits: { maxWaitMs: 60_000 },
    });
    expect(held.ok).toBe(true);
    expect(lines[0]).toContain('taking over the install lock');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      pid: process.pid,
      startedAt: expect.any(Number),
      processStartTicks: ticks,
    });
  });

  it('is taken over when it names no owner and is older than a write takes', async () => {
    const path = await lockIn(await makeTempDir(), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const held = await acquireInstallLock(path, { what: 'buf 1.2.3', log: () => {} });
    expect(held.ok).toBe(true);
  });

  it('held by a running process is waited for, then given up naming its pid and the file', async () => {
    const owner = spawn('sleep', ['60']);
    try {
      const content = JSON.stringify({ pid: owner.pid, startedAt: Date.now() });
      const path = await lockIn(await makeTempDir(), content);
      const lines: string[] = [];
      const held = await acquireInstallLock(path, {
        what: 'buf 1.2.3',
        log: (l) => lines.push(l),
        limits: { maxWaitMs: 1_500, announceAfterMs: 0 },
      });
      expect(held).toEqual({
        ok: false,
        error: expect.stringContaining(`pid ${owner.pid} is still installing it after`),
      });
      expect(!held.ok && held.error).toContain(`kill ${owner.pid}`);
      expect(!held.ok && held.error).toContain(path);
      expect(lines[0]).toContain(`buf 1.2.3: waiting for pid ${owner.pid}`);
      // Still the owner's: giving up removes nothing.
      expect(await readFile(path, 'utf8')).toBe(content);
    } finally {
      owner.kill();
    }
  });
});

interface Child {
  readonly pid: number;
  readonly lines: string[];
  readonly ready: Promise<void>;
  readonly done: Promise<number | null>;
  start(): void;
}

function ensureInChild(root: string, tool: string): Child {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx/esm',
      join('devenv', 'src', 'toolchain', 'ensure-tool.test-helper.ts'),
      root,
      tool,
    ],
    { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  let buffered = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      lines.push(...complete);
      if (lines.includes('ready')) resolve();
    });
  });
  const done = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { pid: child.pid!, lines, ready, done, start: () => child.stdin.end('go\n') };
}

// Two real processes ensuring buf (from the npm registry) into one fresh project at the same moment.
describe('two processes ensuring the same tool', () => {
  it('install it once: the second waits for the first, says so, and finds it installed', async () => {
    const root = await makeTempDir();
    const children = [ensureInChild(root, 'buf'), ensureInChild(root, 'buf')];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.start();
    expect(await Promise.all(children.map((c) => c.done))).toEqual([0, 0]);

    const version = (await loadProjectVersions()).tools.buf.text;
    const installers = children.filter((c) =>
      c.lines.some((l) => l.startsWith(`installing buf ${version}`)),
    );
    expect(installers).toHaveLength(1);
    const installer = installers[0]!;
    const waiter = children.find((c) => c !== installer)!;
    expect(waiter.lines).toContain(`buf ${version}: installed by pid ${installer.pid} meanwhile`);
    expect(
      waiter.lines.some((l) => l.startsWith(`buf ${version}: waiting for pid ${installer.pid},`)),
    ).toBe(true);
    const path = cachedExecutable(root, 'buf', version, 'buf');
    for (const c of children)
      expect(JSON.parse(c.lines.at(-1)!)).toEqual({
        ok: true,
        value: { id: 'buf', path, version, source: 'cache' },
      });
    await expect(readFile(installLockPath(root, 'buf', version))).rejects.toThrow(/ENOENT/);
  }, 180_000);
});
