import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { registryAuth } from './docker-pull-auth.js';
import { foldPullEvent, layerCount, NO_PROGRESS, type PullEvent } from './docker-pull-progress.js';

/** What to do when a pull fails: the reasons a registry says no, and devenv's own images. */
export const PULL_REMEDY =
  '`docker login <registry>` if the image is private; a registry mirror (`registry-mirrors` in ' +
  '/etc/docker/daemon.json) or `docker load -i <file>` where the registry cannot be reached; ' +
  '`npx devenv images bootstrap` for the project’s own base images';

/**
 * Pulls `image` through the Engine, logging layer counts (not every progress event); `signal`
 * cancels it (devenv stopping). The error names the image, the Engine's reason and what to do.
 */
export async function pullImage(
  docker: Dockerode,
  image: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Result<void, string>> {
  const failed = (reason: string) => err(`cannot pull image ${image}: ${reason} → ${PULL_REMEDY}`);
  const started = Date.now();
  log(`pull ${image}: pulling`);
  let stream: NodeJS.ReadableStream;
  try {
    const auth = await registryAuth(image);
    const options = auth ? { abortSignal: signal, authconfig: auth } : { abortSignal: signal };
    stream = (await docker.pull(image, options)) as NodeJS.ReadableStream;
  } catch (error) {
    return failed(abortedBy(signal, error) ? 'stopped' : engineReason(error));
  }
  let progress = NO_PROGRESS;
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += String(chunk);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const step = foldPullEvent(image, progress, JSON.parse(line) as PullEvent);
        progress = step.progress;
        if (step.line !== undefined && progress.error === undefined) log(step.line);
      }
    }
  } catch (error) {
    return failed(abortedBy(signal, error) ? 'stopped' : engineReason(error));
  }
  if (progress.error !== undefined) return failed(progress.error);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`pull ${image}: done in ${seconds} s, ${layerCount(progress)}`);
  return ok(undefined);
}

/** Whether `error` is the abort itself, not the Engine failing while devenv happened to stop. */
function abortedBy(signal: AbortSignal | undefined, error: unknown): boolean {
  if (signal?.aborted !== true) return false;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR';
}

/** The Engine's own words: dockerode wraps them in `(HTTP code 500) server error - … `. */
function engineReason(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | undefined)?.json;
  if (typeof json?.message === 'string') return json.message.trim();
  return messageOf(error)
    .replace(/^\(HTTP code \d+\) [^-]*- /, '')
    .trim();
}

/** When devenv last pulled each image (for `daily`, `weekly`, `every_<duration>`), in the state dir. */
export function pullTimesFile(stateDir: string): string {
  return join(stateDir, 'image-pulls.json');
}

export async function lastPulled(file: string, image: string): Promise<number | undefined> {
  const times = await readTimes(file);
  const at = times[image];
  return typeof at === 'number' ? at : undefined;
}

export async function recordPull(file: string, image: string, atMs: number): Promise<void> {
  const times = await readTimes(file);
  times[image] = atMs;
  await mkdir(dirname(file), { recursive: true });
  // Written aside and renamed: two services pulling at once must not leave half a file.
  const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(aside, `${JSON.stringify(times, null, 2)}\n`);
  await rename(aside, file);
}

async function readTimes(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? { ...parsed } : {};
  } catch {
    // Missing or unreadable: no pull recorded, so the next one is due.
    return {};
  }
}
