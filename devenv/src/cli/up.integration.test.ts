import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN, startDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { groupExists, livingMembers } from '../runtime/process-group.js';
import { readSession } from '../session/session-file.js';
import { freePort } from '../process/free-port.js';

const makeTempDir = useTempDirs();

/**
 * Two services; `parent` starts a grandchild that ignores SIGTERM, so only a group kill ends it;
 * `child` logs a line every 200 ms, which `up` (without --ci) prints.
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
        command: [${node}, -e, "setInterval(() => console.log('tick'), 200)"]
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
    run.child.kill('SIGKILL');
    await run.exited;
    // devenv is gone but its services live on in their own groups: the orphans to be reaped.
    for (const pgid of groups) expect(groupExists(pgid)).toBe(true);

    const next = startDevenv(
      ['up', '-f', join(dir, 'compose.yaml'), '--ci', '--timeout', '30'],
      dir,
    );
    await next.waitFor(/stopped 2 leftover process group\(s\)/);
    for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
    expect((await next.exited).code).toBe(0);
  }, 60_000);

  it('devenv down reaps the leftovers of a killed devenv', async () => {
    const dir = await makeTempDir();
    const { run, groups } = await startedStack(dir);
    run.child.kill('SIGKILL');
    await run.exited;
    const out = execFileSync(DEVENV_BIN, ['down', '-f', join(dir, 'compose.yaml')], {
      cwd: dir,
    }).toString();
    expect(out).toContain('killed 2 leftover process group(s)');
    for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
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
