import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import { groupExists } from '../runtime/process-group.js';
import { parseSession, readSession } from '../session/session-file.js';
import type { CommandContext } from './command.js';
import { main } from './main.js';
import { teardownSteps } from './up/teardown.js';

const makeTempDir = useTempDirs('devenv-up-teardown-');

function composeFile(): string {
  const forever = `[${JSON.stringify(process.execPath)}, -e, "setInterval(() => {}, 1000)"]`;
  return `
name: teardown
services:
  db:
    image: demo/db:1
    x-devenv: { native: { command: ${forever} } }
  api:
    image: demo/api:1
    depends_on: { db: { condition: service_started } }
    x-devenv: { native: { command: ${forever} } }
`;
}

function processGroups(sessionFile: string): number[] {
  const session = parseSession(JSON.parse(readFileSync(sessionFile, 'utf8')));
  if (!session) throw new Error(`not a session file: ${sessionFile}`);
  return Object.values(session.services).flatMap((l) =>
    l.kind === 'process-group' ? [l.pgid] : [],
  );
}

describe('teardownSteps', () => {
  it('closes what was opened last first, around the one stop of the stack', async () => {
    const done: string[] = [];
    const teardown = teardownSteps();
    teardown.afterStop(() => done.push('log bus'));
    teardown.beforeStop(() => done.push('watcher'));
    teardown.afterStop(() => done.push('control socket'));
    teardown.beforeStop(() => done.push('load runner'));
    const ended = await teardown.run(async () => void done.push('stack'));
    expect(done).toEqual(['load runner', 'watcher', 'stack', 'control socket', 'log bus']);
    expect(ended).toEqual({ stackStopped: true, failures: [] });
  });

  it('stops the stack and runs every step when steps throw, and hands back what they threw', async () => {
    const done: string[] = [];
    const teardown = teardownSteps();
    const broken = new Error('watcher would not close');
    teardown.afterStop(() => done.push('log bus'));
    teardown.beforeStop(() => {
      throw broken;
    });
    teardown.afterStop(() => Promise.reject(new Error('socket would not close')));
    const ended = await teardown.run(async () => void done.push('stack'));
    expect(done).toEqual(['stack', 'log bus']);
    expect(ended.stackStopped).toBe(true);
    expect(ended.failures.map((f) => (f as Error).message)).toEqual([
      'watcher would not close',
      'socket would not close',
    ]);
  });

  it('says when the stack itself did not stop', async () => {
    const teardown = teardownSteps();
    const ended = await teardown.run(() => Promise.reject(new Error('shutdown failed')));
    expect(ended.stackStopped).toBe(false);
  });
});

describe('devenv up stops what it started', () => {
  it('when something after the start throws (here: printing fails as --ci reports)', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'compose.yaml'), composeFile());
    const sessionFile = join(dir, '.devenv', 'session.json');
    let groups: number[] = [];
    const printingFails = new Error(
      'stdout is gone (a test double: a CommandContext whose out throws)',
    );
    const ctx: CommandContext = {
      projectRoot: PROJECT_ROOT,
      env: { ...process.env, DEVENV_METRICS_PORT: 'off' },
      stdout: {},
      out: (text) => {
        if (!text.startsWith('all 2 services ready')) return;
        groups = processGroups(sessionFile);
        throw printingFails;
      },
      err: () => {},
    };
    await expect(
      main(['up', '-f', join(dir, 'compose.yaml'), '--ci', '--timeout', '30'], ctx),
    ).rejects.toBe(printingFails);
    expect(groups).toHaveLength(2);
    for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
    expect(readSession(sessionFile)).toBeUndefined();
  }, 60_000);

  for (const fault of ['throw', 'reject'] as const) {
    it(`when devenv has a fault nothing catches (an injected ${fault === 'throw' ? 'uncaught exception' : 'unhandled rejection'})`, async () => {
      const dir = await makeTempDir();
      await writeFile(join(dir, 'compose.yaml'), composeFile());
      // Fault injection into the real executable: on SIGUSR2, devenv throws from an event handler
      // (or rejects a promise nobody awaits), as a bug anywhere in it would.
      const preload = join(dir, 'inject-fault.mjs');
      await writeFile(
        preload,
        `if (process.argv[1]?.endsWith('devenv.js'))
  process.on('SIGUSR2', () => {
    if (process.env.INJECTED_FAULT === 'throw') throw new Error('injected fault');
    void Promise.reject(new Error('injected fault'));
  });
`,
      );
      const up = startDevenv(['up', '-f', 'compose.yaml'], dir, {
        ...process.env,
        DEVENV_METRICS_PORT: 'off',
        INJECTED_FAULT: fault,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(preload).href}`,
      });
      await up.waitFor(/api\s+healthy/);
      const sessionFile = join(dir, '.devenv', 'session.json');
      const groups = processGroups(sessionFile);
      expect(groups).toHaveLength(2);
      up.child.kill('SIGUSR2');
      const exit = await up.exited;
      expect(up.output()).toContain('devenv: internal error, stopping the stack: injected fault');
      expect(up.output()).toMatch(/api\s+stopped/);
      // Then main reports the fault as the bug it is, and exits 1.
      expect(up.output()).toContain('devenv: internal error (please report it');
      expect(exit).toEqual({ code: 1, signal: null });
      for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
      expect(readSession(sessionFile)).toBeUndefined();
    }, 60_000);
  }
});
