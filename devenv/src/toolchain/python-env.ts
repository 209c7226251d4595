import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { loadArtifactLock } from '../versions/artifact-lock.js';
import type { Versions } from '../versions/versions-file.js';
import { REFRESH_LOCK_COMMAND } from './artifact-check.js';
import { describeToolFailure } from './resolve.js';
import type { Toolchain } from './toolchain.js';

/** A project-private Python virtual environment with pinned packages from versions.yaml. */
export interface PythonEnv {
  readonly dir: string;
  /** The venv's interpreter: run scripts with it, nothing needs activating. */
  readonly python: string;
}

export interface PythonEnvOptions {
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly toolchain: Toolchain;
  /** The venv's name under `.devenv/python/`, e.g. `contracts` or `python-worker`. */
  readonly name: string;
  /**
   * Keys of versions.yaml `libraries:` whose PyPI name is the key less `-python`. Installed
   * from versions.lock.yaml's `pythonEnvs.<name>`: every package of the resolved venv with the
   * hashes of its wheels, with `--require-hashes`.
   */
  readonly libraries: readonly string[];
  /**
   * A pip lockfile (`name==version --hash=sha256:…` lines), installed with `--require-hashes`
   * instead of `libraries`: every transitive dependency pinned and verified, e.g.
   * workers/python/requirements.lock. Relative to the project root.
   */
  readonly requirementsFile?: string;
  readonly log?: (line: string) => void;
}

export type PythonEnvFailure =
  | { readonly reason: 'python-unavailable'; readonly detail: string; readonly remediation: string }
  | { readonly reason: 'library-not-pinned'; readonly library: string }
  /** versions.lock.yaml has no hashes for this venv, or hashes of other pins. */
  | { readonly reason: 'python-env-not-locked'; readonly detail: string }
  | { readonly reason: 'python-env-install-failed'; readonly detail: string };

/**
 * The venvs built from versions.yaml `libraries:` (the callers of ensurePythonEnv without a
 * lockfile), which refresh-lock.ts resolves into versions.lock.yaml `pythonEnvs`.
 */
export const LOCKED_PYTHON_ENVS: Readonly<Record<string, readonly string[]>> = {
  contracts: ['protobuf-python', 'temporalio-python'],
  schemathesis: ['schemathesis-python'],
};

const MARKER = 'devenv-pins.json';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** `protobuf-python` → `protobuf`: versions.yaml names say which language a pin is for. */
export function pypiName(library: string): string {
  return library.replace(/-python$/, '');
}

/**
 * Creates (once) `.devenv/python/<name>/` with exactly the pinned packages. A marker records the
 * pins it was built from; when versions.yaml changes, the venv is rebuilt beside the old one and
 * swapped in, so a failed install leaves the previous, working venv.
 */
export async function ensurePythonEnv(
  options: PythonEnvOptions,
): Promise<Result<PythonEnv, PythonEnvFailure>> {
  const wanted = await pinsOf(options);
  if (!wanted.ok) return wanted;
  const pins = wanted.value;
  const requirements =
    options.requirementsFile === undefined
      ? undefined
      : join(options.projectRoot, options.requirementsFile);
  const { dir, env } = venvPaths(options);
  const locked = requirements === undefined ? await lockedRequirements(options) : ok(undefined);
  if (!locked.ok) return locked;
  // The marker records the locked requirements too (by hash): a refreshed lock rebuilds the venv.
  const marker =
    locked.value === undefined
      ? pins
      : [
          ...pins,
          `versions.lock.yaml#sha256=${createHash('sha256').update(locked.value).digest('hex')}`,
        ];
  if (await isBuiltFrom(dir, marker)) return ok(env);

  const base = await options.toolchain.ensure('python');
  if (!base.ok) {
    return err({
      reason: 'python-unavailable',
      detail: describeToolFailure(base.error),
      remediation: base.error.remediation,
    });
  }
  options.log?.(
    `creating the Python environment .devenv/python/${options.name} (${pins.join(' ')})`,
  );
  const built = await buildVenv(dir, {
    projectRoot: options.projectRoot,
    python: base.value.path,
    pins,
    marker,
    requirements: requirements === undefined ? { locked: locked.value ?? '' } : { requirements },
  });
  return built.ok ? ok(env) : built;
}

interface VenvBuild {
  readonly projectRoot: string;
  /** The interpreter that creates the venv. */
  readonly python: string;
  readonly pins: readonly string[];
  /** What the venv's marker records once it is built. */
  readonly marker: readonly string[];
  /** A lockfile of the project's, or the locked requirements' text (written into the venv). */
  readonly requirements: { readonly requirements: string } | { readonly locked: string };
}

/**
 * Builds the venv beside `dir` and swaps it in, so a failed install leaves the previous, working
 * venv.
 */
async function buildVenv(dir: string, build: VenvBuild): Promise<Result<void, PythonEnvFailure>> {
  const partial = `${dir}.partial-${process.pid}`;
  const fail = (detail: string) => err({ reason: 'python-env-install-failed' as const, detail });
  try {
    await rm(partial, { recursive: true, force: true });
    await mkdir(join(build.projectRoot, '.devenv', 'python'), { recursive: true });
    const venv = await runCommand(build.python, ['-m', 'venv', partial], {
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    if (venv.code !== 0) return fail(`python -m venv: ${describeOutcome(venv)}`);
    let hashed: string;
    if ('requirements' in build.requirements) hashed = build.requirements.requirements;
    else {
      hashed = join(partial, 'requirements.lock');
      await writeFile(hashed, build.requirements.locked);
    }
    // Binary wheels only: nothing is compiled, and what runs is what the registry published;
    // every wheel's hash is checked against the lock (pip refuses any other, and any package
    // the lock does not list).
    const pip = await runCommand(
      join(partial, 'bin', 'python'),
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--only-binary=:all:',
        '--require-hashes',
        '--no-deps',
        '-r',
        hashed,
      ],
      { timeoutMs: INSTALL_TIMEOUT_MS },
    );
    if (pip.code !== 0) return fail(`pip install ${build.pins.join(' ')}: ${describeOutcome(pip)}`);
    await writeFile(join(partial, MARKER), `${JSON.stringify(build.marker)}\n`);
    // The venv's python finds its packages through pyvenv.cfg beside it, so a renamed venv works.
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return ok(undefined);
  } catch (thrown) {
    return fail(messageOf(thrown));
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * The venv when it is already built from exactly this lockfile, without versions.yaml or the
 * toolchain (a start that finds it, the common case, loads neither); undefined: build it with
 * ensurePythonEnv.
 */
export async function currentLockfileEnv(
  options: Pick<PythonEnvOptions, 'projectRoot' | 'name'> & { readonly requirementsFile: string },
): Promise<PythonEnv | undefined> {
  const wanted = await pinsOf({ ...options, libraries: [] });
  const { dir, env } = venvPaths(options);
  return wanted.ok && (await isBuiltFrom(dir, wanted.value)) ? env : undefined;
}

/**
 * The pip requirements (`name==version --hash=sha256:…` per package) of a venv built from
 * `libraries`, from versions.lock.yaml, which must have been resolved from exactly these pins.
 */
async function lockedRequirements(
  options: PythonEnvOptions,
): Promise<Result<string, PythonEnvFailure>> {
  const notLocked = (detail: string) => err({ reason: 'python-env-not-locked' as const, detail });
  const lockFile = options.versions.lockFile;
  if (lockFile === undefined) return notLocked('versions.yaml names no lock file (lock:)');
  const lock = await loadArtifactLock(lockFile);
  if (!lock.ok) return notLocked(lock.error);
  const entry = lock.value.pythonEnvs[options.name];
  const roots = options.libraries
    .map((library) => `${pypiName(library)}==${options.versions.libraries[library] ?? '?'}`)
    .sort();
  if (entry === undefined || JSON.stringify([...entry.roots].sort()) !== JSON.stringify(roots))
    return notLocked(
      `versions.lock.yaml has no hashes for the Python environment ${options.name} (${roots.join(' ')})${entry ? `, only for ${entry.roots.join(' ')}` : ''}: ${REFRESH_LOCK_COMMAND}`,
    );
  return ok(
    Object.entries(entry.packages)
      .map(([pin, hashes]) => `${pin} ${hashes.map((h) => `--hash=sha256:${h}`).join(' ')}\n`)
      .join(''),
  );
}

/** What the venv's marker records: the sorted pins, then the lockfile's hash. */
async function pinsOf(
  options: Pick<PythonEnvOptions, 'projectRoot' | 'libraries' | 'requirementsFile'> & {
    readonly versions?: Versions;
  },
): Promise<Result<string[], PythonEnvFailure>> {
  const pins: string[] = [];
  for (const library of options.libraries) {
    const version = options.versions?.libraries[library];
    if (version === undefined) return err({ reason: 'library-not-pinned', library });
    pins.push(`${pypiName(library)}==${version}`);
  }
  pins.sort();
  if (options.requirementsFile !== undefined) {
    const text = await readFile(join(options.projectRoot, options.requirementsFile), 'utf8').catch(
      () => undefined,
    );
    if (text === undefined)
      return err({
        reason: 'python-env-install-failed',
        detail: `cannot read ${options.requirementsFile}`,
      });
    // The marker records the lockfile's bytes (by hash), so an edited lockfile rebuilds the venv.
    pins.push(
      `${options.requirementsFile}#sha256=${createHash('sha256').update(text).digest('hex')}`,
    );
  }
  return ok(pins);
}

function venvPaths(options: Pick<PythonEnvOptions, 'projectRoot' | 'name'>) {
  const dir = join(options.projectRoot, '.devenv', 'python', options.name);
  return { dir, env: { dir, python: join(dir, 'bin', 'python') } satisfies PythonEnv };
}

async function isBuiltFrom(dir: string, pins: readonly string[]): Promise<boolean> {
  const recorded = await readFile(join(dir, MARKER), 'utf8').catch(() => '');
  return recorded === `${JSON.stringify(pins)}\n`;
}
