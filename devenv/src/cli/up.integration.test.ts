import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN, startDevenv, type DevenvRun } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { groupExists, livingMembers, signalGroup } from '../runtime/process-group.js';
import { readSession } from '../session/session-file.js';
import { sessionFilesDir } from '../session/session-files.js';
import { freePort } from '../process/free-port.js';

const makeTempDir = useTempDirs();

const ORPHAN_WRITER = [
  // fs.writeSync on fd 1, which Node leaves blocking when process.stdout is never touched: a
  // write into a full pipe blocks, and a write with no reader left fails (EPIPE, not caught).
  "const fs = require('fs'); const devenv = process.ppid; const nl = String.fromCharCode(10);",
  'setInterval(() => { const orphan = process.ppid !== devenv;',
  "fs.writeSync(1, (orphan ? 'x'.repeat(16384) : 'tick') + nl);",
  "if (orphan) fs.appendFileSync('orphan-writes', '.'); }, 100)",
].join(' ');
/** Twice what a pipe holds (64 KiB): writes that nobody drains would have blocked by then. */
const ORPHAN_WRITES = 8;

/**
 * Two services; `parent` starts a grandchild that ignores SIGTERM, so only a group kill ends it;
 * `child` writes a line every 100 ms, which `up` (without --ci) prints. Once devenv is gone (its
 * parent changed), each of its lines is 16 KiB, and it counts them in the file `orphan-writes`:
 * a few of them fill a pipe that nobody reads.
 */
function composeFile(port: number): string {
  const node = JSON.stringify(process.execPath);
  return `
name: orphans
services:
  parent:
    image: example/parent:1
    x-devenv:
      native:
        command: [${node}, -e, "require('child_process').spawn(process.execPath, ['-e', 'process.on(\\"SIGTERM\\", () => {}); setInterval(() => {}, 1000)'], { stdio: 'inherit' }); require('net').createServer().listen(${port}, '127.0.0.1'); setInterval(() => {}, 1000)"]
      probe: { tcp: { host: 127.0.0.1, port: ${port} } }
    stop_grace_period: 1s
  child:
    image: example/child:1
    depends_on:
      parent: { condition: service_healthy }
    x-devenv:
      native:
        command: [${node}, -e, "${ORPHAN_WRITER}"]
`;
}

async function startedStack(dir: string) {
  await writeFile(join(dir, 'compose.yaml'), composeFile(await freePort()));
  const run = startDevenv(['up', '-f', join(dir, 'compose.yaml')], dir);
  await run.waitFor(/child\s+healthy/);
  const session = readSession(join(dir, '.devenv', 'session.json'));
  if (!session) throw new Error(`no session file; output:\n${run.output()}`);
  const groups = Object.values(session.services).flatMap((l) =>
    l.kind === 'process-group' ? [l.pgid] : [],
  );
  expect(groups).toHaveLength(2);
  // The parent's group holds two live processes: the service and its grandchild.
  expect(
    livingMembers(
      session.services['parent']!.kind === 'process-group' ? session.services['parent']!.pgid : 0,
    ),
  ).toHaveLength(2);
  return { run, groups };
}

/**
 * SIGKILLs devenv, then waits until `child` has written twice a pipe's worth as an orphan: its
 * writes neither kill it (SIGPIPE, EPIPE) nor block it; both services live on, to be reaped.
 */
async function killDevenvLeavingOrphans(
  run: DevenvRun,
  dir: string,
  groups: readonly number[],
): Promise<void> {
  // Its first line printed: it has taken note of its parent, devenv, so it can tell when devenv is gone.
  await run.waitFor(/child\s+\|?\s*tick/);
  run.child.kill('SIGKILL');
  await run.exited;
  const writes = join(dir, 'orphan-writes');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const written = (await readFile(writes, 'utf8').catch(() => '')).length;
    if (written >= ORPHAN_WRITES) break;
    if (Date.now() > deadline) {
      const alive = groups.filter((pgid) => groupExists(pgid)).length;
      for (const pgid of groups) signalGroup(pgid, 'SIGKILL'); // the next test must not find them
      throw new Error(
        `the orphaned child wrote ${written} of ${ORPHAN_WRITES} lines after devenv died ` +
          `(${alive} of ${groups.length} groups alive)`,
      );
    }
    await sleep(100);
  }
  for (const pgid of groups) expect(groupExists(pgid)).toBe(true);
}

/** The reaper reports once the groups are gone (the next stack needs their ports): no waiting here. */
function expectGroupsGone(groups: readonly number[]): void {
  for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
}

/** No process is left with its working directory in `dir`: services, grandchildren, output drains. */
async function expectNothingRunningIn(dir: string): Promise<void> {
  // The drain's cats end on their own once the reaped services' pipes read end-of-file.
  const deadline = Date.now() + 10_000;
  while (processesIn(dir).length > 0 && Date.now() < deadline) await sleep(50);
  expect(processesIn(dir)).toEqual([]);
}

function processesIn(dir: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) !== dir) return [];
        return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`];
      } catch {
        return []; // gone meanwhile
      }
    });
}

describe('devenv up leaves no orphans', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops every process group on ${signal} and removes its session`, async () => {
      const dir = await makeTempDir();
      const { run, groups } = await startedStack(dir);
      run.child.kill(signal);
      const exit = await run.exited;
      expect(exit.code).toBe(0);
      for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
      expect(readSession(join(dir, '.devenv', 'session.json'))).toBeUndefined();
      expect(run.output()).toMatch(/parent\s+stopped/);
    }, 60_000);
  }

  it('stops every process group when the reader of its output goes away (devenv up | head)', async () => {
    const dir = await makeTempDir();
    const { run, groups } = await startedStack(dir);
    // The next printed log line hits a closed pipe: EPIPE, which used to kill devenv outright.
    run.child.stdout!.destroy();
    const exit = await run.exited;
    expect(exit.signal).toBeNull();
    expect(run.output()).not.toContain('EPIPE');
    for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
    expect(readSession(join(dir, '.devenv', 'session.json'))).toBeUndefined();
  }, 60_000);

  it('after SIGKILL of devenv, the next start reaps what it left before starting anything', async () => {
    const dir = await makeTempDir();
    const { run, groups } = await startedStack(dir);
    await killDevenvLeavingOrphans(run, dir, groups);
    const secrets = await secretsLeftBy(dir);

    const next = startDevenv(
      ['up', '-f', join(dir, 'compose.yaml'), '--ci', '--timeout', '30'],
      dir,
    );
    await next.waitFor(/stopped 2 leftover process group\(s\)/);
    expectGroupsGone(groups);
    expect((await next.exited).code).toBe(0);
    await expectNothingRunningIn(dir);
    expect(existsSync(secrets)).toBe(false);
  }, 60_000);

  it('devenv down reaps the leftovers of a killed devenv', async () => {
    const dir = await makeTempDir();
    const { run, groups } = await startedStack(dir);
    await killDevenvLeavingOrphans(run, dir, groups);
    const secrets = await secretsLeftBy(dir);
    const out = execFileSync(DEVENV_BIN, ['down', '-f', join(dir, 'compose.yaml')], {
      cwd: dir,
    }).toString();
    expect(out).toContain('killed 2 leftover process group(s)');
    expectGroupsGone(groups);
    await expectNothingRunningIn(dir);
    expect(existsSync(secrets)).toBe(false);
  }, 60_000);

  it('reports a taken port with the PID and command of its holder, and starts nothing that needs it', async () => {
    const dir = await makeTempDir();
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    try {
      await writeFile(
        join(dir, 'compose.yaml'),
        composeFile(port).replace(
          '    stop_grace_period: 1s',
          `    stop_grace_period: 1s\n    ports: ["127.0.0.1:${port}:${port}"]`,
        ),
      );
      const run = startDevenv(
        ['up', '-f', join(dir, 'compose.yaml'), '--ci', '--timeout', '30'],
        dir,
      );
      const exit = await run.exited;
      expect(exit.code).toBe(1);
      expect(run.output()).toContain(`port ${port} is in use by pid ${process.pid} (`);
      expect(run.output()).toMatch(/child\s+blocked needs parent, which is unavailable/);
    } finally {
      holder.close();
    }
    expect(
      await readFile(join(dir, '.devenv', 'logs', 'parent.log'), 'utf8').catch(() => ''),
    ).not.toContain('started');
  }, 60_000);
});

/**
 * A secret the killed session's containers would have had (runtime/docker-files.ts writes them
 * under its session's directory): the reap removes it.
 */
async function secretsLeftBy(dir: string): Promise<string> {
  const session = readSession(join(dir, '.devenv', 'session.json'));
  const secrets = sessionFilesDir(join(dir, '.devenv'), session!.sessionId);
  await mkdir(join(secrets, 'db'), { recursive: true });
  await writeFile(join(secrets, 'db', '0-secret-password'), 'hunter2');
  return secrets;
}
