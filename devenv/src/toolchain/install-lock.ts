import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { err, ok, type Result } from '../../shared/result.js';
import { isDeadState, readProcStatSync } from '../runtime/proc-stat.js';
import type { ToolId } from '../versions/tool-ids.js';
import { cacheRoot } from './cache-layout.js';
import {
  decideLockStep,
  DEFAULT_LOCK_LIMITS,
  describeGiveUp,
  describeWait,
  type LockLimits,
  type LockOwner,
  type LockSighting,
} from './install-lock-policy.js';

const POLL_MS = 500;

/**
 * `.devenv/tools/.locks/<tool>@<version>.lock`: one install of one version at a time, across
 * processes. Not beside the version directories, which are what the cache lookup lists.
 */
export function installLockPath(projectRoot: string, tool: ToolId, version: string): string {
  return join(cacheRoot(projectRoot), '.locks', `${tool}@${version.replace(/[^\w.-]/g, '_')}.lock`);
}

export interface InstallLockOptions {
  /** What is installed, for the log: `kubernetes 1.34.4`. */
  readonly what: string;
  readonly log: (line: string) => void;
  /** Stops the wait (devenv is stopping). */
  readonly signal?: AbortSignal | undefined;
  readonly limits?: Partial<LockLimits> | undefined;
}

export interface HeldInstallLock {
  /** The process this one waited for, if any: it may have installed the tool meanwhile. */
  readonly waitedFor: LockOwner | undefined;
  release(): Promise<void>;
}

/**
 * Takes the lock file (created with O_EXCL, holding our pid), waiting while another live process
 * holds it, taking it over when its holder is gone, and giving up after `maxWaitMs`. The lock only
 * saves a second build: an install is safe without it (built aside, renamed into place).
 */
export async function acquireInstallLock(
  path: string,
  options: InstallLockOptions,
): Promise<Result<HeldInstallLock, string>> {
  const limits = { ...DEFAULT_LOCK_LIMITS, ...options.limits };
  await mkdir(dirname(path), { recursive: true });
  const began = Date.now();
  let announcedAtMs: number | undefined;
  let waitedFor: LockOwner | undefined;
  for (;;) {
    if (options.signal?.aborted === true)
      return err(`${options.what}: stopped while waiting for another install`);
    const { sighting, text } = await look(path);
    const waitedMs = Date.now() - began;
    const step = decideLockStep(sighting, { waitedMs, announcedAtMs }, limits);
    if (step.kind === 'give-up') return err(describeGiveUp(options.what, sighting, waitedMs, path));
    if (step.kind === 'take') {
      const me = thisProcessAsOwner();
      if (await tryCreate(path, me))
        return ok({ waitedFor, release: () => removeIfStill(path, ownerText(me)) });
    } else if (step.kind === 'take-over') {
      options.log(`${options.what}: taking over the install lock: ${step.why}`);
      await removeIfStill(path, text);
    } else {
      if (sighting.kind === 'held') waitedFor = sighting.owner;
      if (step.announce) {
        options.log(describeWait(options.what, sighting, waitedMs));
        announcedAtMs = waitedMs;
      }
      await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}

/** What the lock file says now, and its text (a take-over removes only that). */
async function look(path: string): Promise<{ sighting: LockSighting; text?: string }> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return { sighting: { kind: 'free' } };
  const owner = parseOwner(text);
  if (owner !== undefined)
    return { sighting: { kind: 'held', owner, ownerAlive: isRunning(owner) }, text };
  const modified = await stat(path).catch(() => undefined);
  if (modified === undefined) return { sighting: { kind: 'free' } };
  return { sighting: { kind: 'unreadable', ageMs: Date.now() - modified.mtimeMs }, text };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid) || typeof value.startedAt !== 'number') return undefined;
    const owner = { pid: value.pid!, startedAt: value.startedAt };
    return Number.isSafeInteger(value.processStartTicks)
      ? { ...owner, processStartTicks: value.processStartTicks! }
      : owner;
  } catch {
    return undefined;
  }
}

function ownerText(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

function thisProcessAsOwner(): LockOwner {
  const startTicks = readProcStatSync('self')?.startTicks;
  return {
    pid: process.pid,
    startedAt: Date.now(),
    ...(startTicks === undefined ? {} : { processStartTicks: startTicks }),
  };
}

/**
 * Where /proc shows the pid and the owner wrote its start time, the owner runs only if that
 * process started when the owner did (a pid is reused once its process is gone). Else signal 0
 * checks without signalling; EPERM means it runs, as another user.
 */
function isRunning(owner: LockOwner): boolean {
  const { pid, processStartTicks } = owner;
  if (processStartTicks !== undefined) {
    const stat = readProcStatSync(pid);
    if (stat !== undefined)
      return stat.startTicks === processStartTicks && !isDeadState(stat.state);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (thrown) {
    return (thrown as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * False when another process created it first. Written aside, then hard-linked into place: the
 * link appears whole, so a waiter never reads it empty (an O_EXCL create and its write are two
 * steps) and takes the owner for unknown, and the link fails when the lock exists, as O_EXCL does.
 */
async function tryCreate(path: string, me: LockOwner): Promise<boolean> {
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, ownerText(me));
  try {
    await link(aside, path);
    return true;
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links (FAT, some network mounts): O_EXCL, briefly empty.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS')
      return createExclusive(path, me);
    throw thrown;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function createExclusive(path: string, me: LockOwner): Promise<boolean> {
  try {
    await writeFile(path, ownerText(me), { flag: 'wx' });
    return true;
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw thrown;
  }
}

/**
 * Removes the lock file if it still says what was read (a stale lock seen by two waiters is
 * removed once, not again after the first has taken it). The read and the unlink are two steps:
 * in the rare race both waiters install, which the install survives.
 */
async function removeIfStill(path: string, content: string | undefined): Promise<void> {
  const now = await readFile(path, 'utf8').catch(() => undefined);
  if (now !== undefined && now === content) await unlink(path).catch(() => undefined);
}
