import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileMount } from '../model/container-files.js';
import { parseDotenv } from '../model/dotenv.js';
import type { ServiceSpec } from '../model/stack.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { StartFailure } from './runtime.js';

/** Compose's mode for a secret or config it writes, when the file gives none. */
const DEFAULT_MODE = 0o444;

export interface WrittenFiles {
  /** The host file of each `spec.files` entry, in order. */
  readonly sources: readonly string[];
  /** What could not be applied (an owner only root may give), for the service's log. */
  readonly notes: readonly string[];
  /** Removes the files written for this start. */
  remove(): Promise<void>;
}

/**
 * The service's secrets and configs as host files to bind-mount: a `file:` one as it is (it must
 * exist: the Engine would only say "bind source path does not exist"), an `environment:` or
 * `content:` one written under `<dir>/<service>/` with its mode and, when devenv may give it, its
 * owner. `env` and the project's `.env` give an `environment:` one its value.
 */
export async function writeServiceFiles(
  spec: ServiceSpec,
  dir: string,
  projectDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Result<WrittenFiles, StartFailure>> {
  const files = spec.files ?? [];
  const serviceDir = join(dir, spec.name);
  const sources: string[] = [];
  const notes: string[] = [];
  const remove = () => rm(serviceDir, { recursive: true, force: true });
  if (files.length === 0) return ok({ sources, notes, remove });
  let dotenv: Readonly<Record<string, string>> | undefined;
  for (const [i, file] of files.entries()) {
    if (file.source.kind === 'file') {
      const found = await stat(file.source.path).catch(() => undefined);
      if (found === undefined) return refused(file, `its file ${file.source.path} does not exist`);
      sources.push(file.source.path);
      continue;
    }
    let content: string | undefined;
    if (file.source.kind === 'content') content = file.source.content;
    else {
      dotenv ??= await readDotenv(projectDir, env);
      content = env[file.source.variable] ?? dotenv[file.source.variable];
      if (content === undefined)
        return refused(file, `the variable ${file.source.variable} it is read from is not set`);
    }
    const path = join(serviceDir, `${i}-${file.kind}-${file.name.replace(/[^\w.-]/g, '_')}`);
    const written = await writeOne(path, content, file);
    if (!written.ok) return refused(file, written.error);
    if (written.value !== undefined) notes.push(written.value);
    sources.push(path);
  }
  return ok({ sources, notes, remove });
}

/** Writes the value; ok with a note when the owner could not be given (devenv is not root). */
async function writeOne(
  path: string,
  content: string,
  file: FileMount,
): Promise<Result<string | undefined, string>> {
  try {
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    await rm(path, { force: true });
    await writeFile(path, content, { mode: 0o600 });
    await chmod(path, file.mode ?? DEFAULT_MODE);
  } catch (error) {
    return err(`cannot write it to ${path}: ${messageOf(error)}`);
  }
  if (file.uid === undefined && file.gid === undefined) return ok(undefined);
  try {
    await chown(path, file.uid ?? -1, file.gid ?? -1);
    return ok(undefined);
  } catch (error) {
    return ok(
      `${file.kind} "${file.name}" keeps devenv's owner, not uid ${file.uid ?? '-'} gid ` +
        `${file.gid ?? '-'} (${messageOf(error)}); its mode ${(file.mode ?? DEFAULT_MODE).toString(8)} applies`,
    );
  }
}

async function readDotenv(
  projectDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Readonly<Record<string, string>>> {
  const file = join(projectDir, '.env');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const parsed = parseDotenv(text, file, (name) => env[name]);
  return parsed.ok ? parsed.value : {};
}

function refused(file: FileMount, why: string) {
  return err({
    reason: 'engine-refused',
    detail: `cannot mount ${file.kind} "${file.name}" at ${file.target}: ${why}`,
  } as const);
}
