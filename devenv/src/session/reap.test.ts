/**
 * The reaper against real process groups: it kills what a dead devenv left, and refuses records
 * that name no group devenv started (pgid 1, its own group, a recycled pid), killing nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { groupExists, processStartTicks, signalGroup } from '../runtime/process-group.js';
import { readProcStatSync } from '../runtime/proc-stat.js';
import { reapSession, sessionOwnerAlive } from './reap.js';
import type { Session } from './session-file.js';

const makeTempDir = useTempDirs('devenv-reap-');
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) signalGroup(child.pid!, 'SIGKILL');
});

/** A group of its own (as devenv's native runtime starts a service), with a child inside. */
async function leftoverGroup(): Promise<{ pgid: number; startTicks: number }> {
  const child = spawn('sh', ['-c', 'sleep 600 & sleep 600'], { detached: true, stdio: 'ignore' });
  started.push(child);
  const pgid = child.pid!;
  const startTicks = await waitUntil('the group leader shows in /proc', 5_000, () =>
    processStartTicks(pgid),
  );
  return { pgid, startTicks };
}

/** A session whose devenv is dead: a pid that no process has (pid_max is at most 2^22). */
function deadSession(services: Session['services']): Session {
  return {
    devenvPid: 4_194_305,
    devenvStartTicks: 1,
    sessionId: 'dead-session',
    projectName: 'reap-test',
    startedAt: 0,
    services,
  };
}

function ownPgid(): number {
  return readProcStatSync('self')!.pgrp;
}

describe('reapSession', () => {
  it('kills a leftover group whose leader is the process recorded', async () => {
    const group = await leftoverGroup();
    const outcome = await reapSession(deadSession({ worker: { kind: 'process-group', ...group } }));
    expect(outcome).toEqual({ kind: 'reaped', processGroups: 1, containers: [], refused: [] });
    expect(groupExists(group.pgid)).toBe(false);
  });

  // Before: pgid 1 passed the schema and the start-time check (none recorded), and became
  // kill(-1, SIGKILL): every process the user may signal, where init leads group 1. Seen in a
  // PID namespace, without losing the machine: unshare --pid --fork --mount-proc setsid sh -c …
  it('refuses pgid 1, its own group and a recycled pid, and kills nothing', async () => {
    const bystander = await leftoverGroup();
    const outcome = await reapSession(
      deadSession({
        everyone: { kind: 'process-group', pgid: 1 },
        zero: { kind: 'process-group', pgid: 0, startTicks: 1 },
        itself: { kind: 'process-group', pgid: ownPgid(), startTicks: 1 },
        recycled: {
          kind: 'process-group',
          pgid: bystander.pgid,
          startTicks: bystander.startTicks - 1,
        },
        unverifiable: { kind: 'process-group', pgid: bystander.pgid },
      }),
    );
    expect(outcome).toEqual({
      kind: 'reaped',
      processGroups: 0,
      containers: [],
      refused: [
        'everyone: pgid 1 is no process group devenv starts (kill(-1) signals every process)',
        'zero: pgid 0 is no process group devenv starts (those are greater than 1)',
        `itself: pgid ${ownPgid()} is this devenv's own process group`,
        `recycled: pgid ${bystander.pgid} now belongs to another process (started at tick ${bystander.startTicks}, not ${bystander.startTicks - 1})`,
        `unverifiable: pgid ${bystander.pgid} has no recorded start time to tell it from a stranger's group`,
      ],
    });
    expect(groupExists(bystander.pgid)).toBe(true);
  });

  it('names no live devenv for a session claiming pid 1 or lacking a start time', async () => {
    const living = await leftoverGroup();
    expect(
      await sessionOwnerAlive({ ...deadSession({}), devenvPid: 1, devenvStartTicks: undefined }),
    ).toBe(false);
    expect(
      await sessionOwnerAlive({
        ...deadSession({}),
        devenvPid: living.pgid,
        devenvStartTicks: undefined,
      }),
    ).toBe(false);
    expect(
      await sessionOwnerAlive({
        ...deadSession({}),
        devenvPid: living.pgid,
        devenvStartTicks: living.startTicks,
      }),
    ).toBe(true);
  });
});

describe('devenv down with a session file naming pgid 1', () => {
  it('says it refused the record, kills nothing and clears the file', async () => {
    const dir = await makeTempDir();
    await writeFile(
      join(dir, 'compose.yaml'),
      'name: forged\nservices:\n  web:\n    image: example/web:1\n    x-devenv:\n      native:\n        command: [sleep, "600"]\n',
    );
    const bystander = await leftoverGroup();
    const sessionFile = join(dir, '.devenv', 'session.json');
    await mkdir(join(dir, '.devenv'));
    await writeFile(
      sessionFile,
      JSON.stringify(deadSession({ web: { kind: 'process-group', pgid: 1 } })),
    );
    const { stdout, stderr } = await promisify(execFile)(
      DEVENV_BIN,
      ['down', '-f', 'compose.yaml'],
      {
        cwd: dir,
      },
    );
    expect(stderr).toContain(
      `devenv down: not acted on, from ${sessionFile}: web: pgid 1 is no process group devenv starts (kill(-1) signals every process)`,
    );
    expect(stdout).toContain('nothing was left running');
    expect(groupExists(bystander.pgid)).toBe(true);
    expect(existsSync(sessionFile)).toBe(false);
  });
});
