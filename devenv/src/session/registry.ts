import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { processStartTicks } from '../runtime/process-group.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';

/**
 * The per-user registry `devenv ls` reads: devenv has no daemon, so each `devenv up` writes one
 * small file here (one per project state directory) once its first service is acted on, and
 * marks it stopped when its stack has stopped. A devenv killed before that leaves a file whose
 * pid is dead or now another process's: `ls` prunes it.
 */
export interface RegistryEntry {
  readonly pid: number;
  /** With the pid, names the process across pid reuse (as the session file does). */
  readonly startTicks: number;
  readonly projectName: string;
  readonly workingDir: string;
  readonly configFiles: readonly string[];
  readonly stateDir: string;
  readonly startedAt: number;
  /** Set once that devenv stopped its stack; `ls -a` shows the project as exited. */
  readonly stoppedAt?: number;
}

/** How long a stopped project stays listed by `ls -a`. */
export const STOPPED_KEPT_MS = 7 * 24 * 3600 * 1000;

/** `$XDG_RUNTIME_DIR/devenv/sessions` (per user, emptied at logout), else `~/.cache/devenv/sessions`. */
export function registryDir(env: NodeJS.ProcessEnv): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  const base = runtime
    ? join(runtime, 'devenv')
    : join(env['HOME'] ?? homedir(), '.cache', 'devenv');
  return join(base, 'sessions');
}

function entryPath(dir: string, stateDir: string): string {
  return join(dir, `${createHash('sha256').update(stateDir).digest('hex').slice(0, 16)}.json`);
}

export interface RegisteredProject {
  readonly projectName: string;
  readonly files: readonly string[];
  readonly projectDir: string;
}

/**
 * Records this devenv as running `project` once `ready` resolves (after the first spawn: the
 * start does not wait on this write); returns the step that marks it stopped. The registry is a
 * convenience for `ls`: a write that fails never takes the stack down.
 */
export function registerSession(
  project: RegisteredProject,
  stateDir: string,
  env: NodeJS.ProcessEnv,
  ready: Promise<void>,
): () => Promise<void> {
  const dir = registryDir(env);
  const path = entryPath(dir, stateDir);
  const write = (value: RegistryEntry) => {
    try {
      ensurePrivateDir(dir);
      writePrivateFile(path, JSON.stringify(value));
    } catch {
      // No registry entry: `devenv ls` does not list this project; everything else works.
    }
  };
  let stopped = false;
  const written = ready.then(async () => {
    const startTicks = await processStartTicks(process.pid);
    if (stopped || startTicks === undefined) return undefined;
    const entry: RegistryEntry = {
      pid: process.pid,
      startTicks,
      projectName: project.projectName,
      workingDir: project.projectDir,
      configFiles: [...project.files],
      stateDir,
      startedAt: Date.now(),
    };
    write(entry);
    return entry;
  });
  return async () => {
    stopped = true;
    const entry = await written;
    // Another devenv of this project may have written the file since (after this one was killed).
    if (entry && readEntry(path)?.pid === process.pid) write({ ...entry, stoppedAt: Date.now() });
  };
}

function readEntry(path: string): RegistryEntry | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<RegistryEntry> | null;
    const ok =
      Number.isInteger(value?.pid) &&
      Number.isInteger(value?.startTicks) &&
      typeof value?.projectName === 'string' &&
      typeof value.workingDir === 'string' &&
      typeof value.stateDir === 'string' &&
      Array.isArray(value.configFiles) &&
      typeof value.startedAt === 'number';
    return ok ? (value as RegistryEntry) : undefined;
  } catch {
    return undefined;
  }
}

export interface RegistryListing {
  readonly running: readonly RegistryEntry[];
  readonly stopped: readonly RegistryEntry[];
}

/**
 * The registered projects: running (the pid is alive and still that devenv) and recently
 * stopped. Files of killed devenvs, unreadable files, old stopped entries and those whose
 * project directory is gone are removed.
 */
export async function listRegistry(
  env: NodeJS.ProcessEnv,
  now = Date.now(),
): Promise<RegistryListing> {
  const dir = registryDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return { running: [], stopped: [] };
  }
  const running: RegistryEntry[] = [];
  const stopped: RegistryEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const entry = readEntry(path);
    // A stopped project whose directory is gone (a test's, a benchmark's) is not worth listing.
    if (entry?.stoppedAt !== undefined && now - entry.stoppedAt < STOPPED_KEPT_MS) {
      if (existsSync(entry.workingDir)) stopped.push(entry);
      else rmSync(path, { force: true });
    } else if (entry && entry.stoppedAt === undefined && (await stillRunning(entry)))
      running.push(entry);
    else rmSync(path, { force: true });
  }
  return { running, stopped };
}

async function stillRunning(entry: RegistryEntry): Promise<boolean> {
  return entry.pid > 1 && (await processStartTicks(entry.pid)) === entry.startTicks;
}
