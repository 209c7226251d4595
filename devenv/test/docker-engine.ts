import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';
import { describeEngineSilence, pingDockerEngine } from '../src/runtime/docker-ping.js';
import { readProcStatSync } from '../src/runtime/proc-stat.js';
import { withDirLock } from './dir-lock.js';
import { identityOfEntry, identityRuns, processIdentity } from './process-identity.js';
import { namesRunningDaemon, removeStalePidFiles } from './stale-pid-files.js';

const LOG_FILE = '/tmp/dockerd.log';
const START_TIMEOUT_MS = 60_000;
/** dockerd gives running containers 15 s to stop on SIGTERM; a little more for itself. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * Test runs share one Engine: several may run at once (a watch and an `npm test`, or parallel
 * sessions), and the dockerd one of them started must outlive it while another still tests
 * against it. `users/<pid>` marks each test run using an Engine, `dockerd.pid` the dockerd a test
 * run started; the last run to leave stops that dockerd, and never one it did not start.
 */
const STATE_DIR = '/tmp/devenv-test-engine';
const USERS_DIR = `${STATE_DIR}/users`;
const DOCKERD_PID_FILE = `${STATE_DIR}/dockerd.pid`;
const LOCK_DIR = `${STATE_DIR}/lock`;

/**
 * The Docker Engine the tests run against. The global setup starts one when it can; a test file
 * only asks, and fails (never skips) with what to do when none answers.
 */
export async function requireDockerEngine(docker: Dockerode = new Dockerode()): Promise<Dockerode> {
  const why = await ping(docker);
  if (why === undefined) return docker;
  throw new Error(
    `no Docker Engine answers (${why}). The test setup starts one when it runs as root with ` +
      'dockerd installed (its "test setup:" lines say why it did not); otherwise install docker.io ' +
      'and start dockerd (`sudo dockerd > /tmp/dockerd.log 2>&1 &`) before running these tests',
  );
}

export type EngineStatus =
  /** An Engine already answered: a system one, or one another test run started. */
  | { readonly kind: 'answering' }
  | {
      readonly kind: 'started';
      readonly pid: number;
      /** Pid files of an earlier dockerd, killed without its cleanup, removed before the start. */
      readonly staleRemoved: readonly string[];
    }
  /** None answers and none could be started here; the docker tests will fail saying so. */
  | { readonly kind: 'unavailable'; readonly why: string };

/** This test run's use of the Engine; the global setup's teardown releases it. */
export interface EngineLease {
  readonly status: EngineStatus;
  /** Stops the dockerd a test run started, unless another test run still uses it. */
  release(): Promise<EngineRelease>;
}

export type EngineRelease =
  | { readonly kind: 'stopped'; readonly pid: number }
  /** Other test runs still use the Engine; the last of them stops it. */
  | { readonly kind: 'shared'; readonly otherRuns: number }
  /** No dockerd that a test run started: a system Engine, or none at all. */
  | { readonly kind: 'none' };

/**
 * For the global setup: when no Docker Engine answers and we are root with `dockerd` installed,
 * starts one (detached: other test runs may use it after this one ends) and waits until it answers.
 */
export async function leaseDockerEngine(
  dockerd: string | undefined,
  docker: Dockerode = new Dockerode(),
): Promise<EngineLease> {
  const { status, ownDockerd } = await withStateLock(async () => {
    await mkdir(USERS_DIR, { recursive: true });
    await writeFile(`${USERS_DIR}/${process.pid}`, processIdentity());
    return startIfNeeded(dockerd, docker);
  });
  // A Ctrl-C ends vitest without its teardown; the exit handler still hands the Engine back.
  const onExit = () => releaseAtExit();
  process.once('exit', onExit);
  return {
    status,
    release: async () => {
      process.off('exit', onExit);
      return withStateLock(() => releaseAndStopIfLast(ownDockerd));
    },
  };
}

/** A dockerd this process spawned: only its parent can reap it, and so wait for its very end. */
interface OwnDockerd {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly reaped: Promise<void>;
}

async function startIfNeeded(
  dockerd: string | undefined,
  docker: Dockerode,
): Promise<{ status: EngineStatus; ownDockerd?: OwnDockerd }> {
  const status = (value: EngineStatus, own?: OwnDockerd) => ({
    status: value,
    ...(own ? { ownDockerd: own } : {}),
  });
  const first = await ping(docker);
  if (first === undefined) return status({ kind: 'answering' });
  const host = process.env['DOCKER_HOST'];
  const cannot =
    host !== undefined && !host.startsWith('unix://')
      ? `DOCKER_HOST=${host} is not local`
      : dockerd === undefined
        ? 'dockerd is not installed'
        : process.getuid?.() !== 0
          ? 'not root'
          : undefined;
  if (cannot !== undefined || dockerd === undefined) {
    return status({ kind: 'unavailable', why: `no Docker Engine answers (${first}), ${cannot}` });
  }
  const staleRemoved = await removeStalePidFiles();
  const log = await open(LOG_FILE, 'a');
  let own: OwnDockerd | undefined;
  try {
    const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', log.fd, log.fd] });
    const reaped = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    child.unref();
    if (child.pid !== undefined) own = { child, pid: child.pid, reaped };
  } finally {
    await log.close();
  }
  if (own === undefined) {
    return status({ kind: 'unavailable', why: `${dockerd} could not be started` });
  }
  const pid = own.pid;
  await writeFile(DOCKERD_PID_FILE, String(pid));
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = first;
  while (Date.now() < deadline) {
    await sleep(250);
    const answer = await ping(docker);
    if (!isRunningDockerd(pid)) {
      // Ours quit (another Engine took the socket first, say): whoever answers is not ours.
      await rm(DOCKERD_PID_FILE, { force: true });
      return status(
        answer === undefined
          ? { kind: 'answering' }
          : { kind: 'unavailable', why: `${dockerd} exited at once; ${await logTail()}` },
      );
    }
    if (answer === undefined) return status({ kind: 'started', pid, staleRemoved }, own);
    last = answer;
  }
  await stopDockerd(pid, own);
  await rm(DOCKERD_PID_FILE, { force: true });
  return status({
    kind: 'unavailable',
    why: `started ${dockerd}, but it did not answer within ${START_TIMEOUT_MS / 1000} s (${last}); ${await logTail()}`,
  });
}

async function releaseAndStopIfLast(ownDockerd?: OwnDockerd): Promise<EngineRelease> {
  await rm(`${USERS_DIR}/${process.pid}`, { force: true });
  const others = otherUsers().length;
  if (others > 0) return { kind: 'shared', otherRuns: others };
  const pid = Number(await readFile(DOCKERD_PID_FILE, 'utf8').catch(() => ''));
  await rm(DOCKERD_PID_FILE, { force: true });
  if (!(pid > 0) || !isRunningDockerd(pid)) return { kind: 'none' };
  await stopDockerd(pid, ownDockerd);
  return { kind: 'stopped', pid };
}

/** The synchronous part of a release, for process exit: SIGTERM without waiting for the end. */
function releaseAtExit(): void {
  rmSync(`${USERS_DIR}/${process.pid}`, { force: true });
  if (otherUsers().length > 0) return;
  const pid = Number(readFileIfAny(DOCKERD_PID_FILE));
  if (pid > 0 && isRunningDockerd(pid)) process.kill(pid, 'SIGTERM');
}

/** Test runs still using the Engine; entries of runs that died without a teardown are dropped. */
function otherUsers(): number[] {
  const names = existsSync(USERS_DIR) ? readdirSync(USERS_DIR) : [];
  return names.map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    if (identityRuns(identityOfEntry(pid, readFileIfAny(`${USERS_DIR}/${pid}`)))) return true;
    rmSync(`${USERS_DIR}/${pid}`, { force: true });
    return false;
  });
}

async function stopDockerd(pid: number, ownDockerd?: OwnDockerd): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isRunningDockerd(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(100);
  }
  // Ours: wait until it is reaped, or it stays a zombie wherever PID 1 reaps no orphans.
  if (ownDockerd?.pid === pid) {
    // Referenced again: an unreferenced child alone would let the test run exit before the reaping.
    ownDockerd.child.ref();
    await ownDockerd.reaped;
  }
}

/** One test run at a time starts or stops the Engine. */
async function withStateLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true });
  return withDirLock(LOCK_DIR, 2 * START_TIMEOUT_MS + STOP_TIMEOUT_MS, work);
}

function readFileIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Still dockerd (not a reused PID) and not a zombie waiting for a parent that is gone. */
function isRunningDockerd(pid: number): boolean {
  return namesRunningDaemon(String(pid), 'dockerd', readProcStatSync);
}

async function logTail(): Promise<string> {
  const text = await readFile(LOG_FILE, 'utf8').catch(() => '');
  return `last lines of ${LOG_FILE}:\n${text.split('\n').slice(-15).join('\n')}`;
}

/** undefined when the Engine answers, else why not. */
async function ping(docker: Dockerode): Promise<string | undefined> {
  const answer = await pingDockerEngine(docker);
  return answer.ok ? undefined : describeEngineSilence(answer.error);
}
