import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';

/** What `docker build` needs, taken from a service's Compose `build:` section. */
export interface BuildPlan {
  /** Absolute directory sent to the Engine as the build context. */
  readonly context: string;
  /** Dockerfile path inside the context, `/`-separated. */
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly noCache: boolean;
  /** The platform to build for (the service's `platform`, else a single `build.platforms`). */
  readonly platform?: string | undefined;
}

/**
 * Keys that change what gets built and that the classic builder API cannot express: refusing them
 * beats building something other than what the file says. Other unsupported keys (cache_from,
 * platforms, tags, …) only tune how it is built and are ignored.
 */
const UNSUPPORTED_KEYS = ['dockerfile_inline', 'additional_contexts', 'ssh', 'secrets'];

/**
 * Reads the resolved `build:` section; the model made `context` absolute, `projectDir` is a
 * fallback. `platform` is the service's, which Compose builds for (the model checked that
 * `build.platforms`, when given, includes it).
 */
export function buildPlan(
  build: Readonly<Record<string, unknown>>,
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform?: string,
): Result<BuildPlan, string> {
  const unsupported = UNSUPPORTED_KEYS.filter((key) => build[key] !== undefined);
  if (unsupported.length > 0)
    return err(`build: ${unsupported.join(', ')} is not supported by devenv's docker runtime`);
  const contextText = build['context'] ?? '.';
  if (
    typeof contextText !== 'string' ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(contextText) ||
    contextText.startsWith('git@')
  )
    return err(
      `build.context must be a local directory, not ${JSON.stringify(contextText)}: a remote context needs a network devenv does not assume`,
    );
  const context = resolve(projectDir, contextText);
  const dockerfileText =
    typeof build['dockerfile'] === 'string' ? build['dockerfile'] : 'Dockerfile';
  const dockerfile = relative(
    context,
    isAbsolute(dockerfileText) ? dockerfileText : join(context, dockerfileText),
  );
  if (dockerfile.startsWith('..') || isAbsolute(dockerfile))
    return err(`build.dockerfile ${dockerfileText} lies outside the build context ${context}`);
  const args = keyValues(build['args'], env);
  if (!args.ok) return err(`build.args: ${args.error}`);
  const labels = keyValues(build['labels'], {});
  if (!labels.ok) return err(`build.labels: ${labels.error}`);
  const target = build['target'];
  const platforms = build['platforms'];
  // The classic builder makes one platform: several `build.platforms` without `platform` are
  // left to the Engine's own (as before), one is that one.
  const onlyPlatform =
    Array.isArray(platforms) && platforms.length === 1 && typeof platforms[0] === 'string'
      ? platforms[0]
      : undefined;
  return ok({
    context,
    dockerfile: dockerfile.split(sep).join('/'),
    args: args.value,
    target: typeof target === 'string' ? target : undefined,
    labels: labels.value,
    noCache: build['no_cache'] === true,
    platform: platform ?? onlyPlatform,
  });
}

/**
 * Compose's map-or-list form (`{K: v}` or `["K=v"]`). A key without a value takes its value from
 * the environment devenv runs in and is left out when that has none, as Compose does for args.
 */
function keyValues(raw: unknown, env: NodeJS.ProcessEnv): Result<Record<string, string>, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (value === null || value === undefined) {
      const fromEnv = env[key];
      if (fromEnv !== undefined) out[key] = fromEnv;
    } else out[key] = String(value);
  };
  if (raw === undefined || raw === null) return ok(out);
  if (Array.isArray(raw)) {
    for (const item of raw as unknown[]) {
      if (typeof item !== 'string')
        return err(`expected "KEY=value" strings, got ${JSON.stringify(item)}`);
      const eq = item.indexOf('=');
      if (eq < 0) put(item, undefined);
      else put(item.slice(0, eq), item.slice(eq + 1));
    }
    return ok(out);
  }
  if (typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) put(key, value);
    return ok(out);
  }
  return err(`expected a map or a list, got ${JSON.stringify(raw)}`);
}

/**
 * Every regular file, symlink and empty directory under `dir`, relative and `/`-separated.
 * dockerode packs exactly these after filtering them through `.dockerignore`; listing directories
 * instead would make it recurse where the ignore file is not applied.
 */
export async function contextEntries(dir: string): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const children = await readdir(join(dir, rel), { withFileTypes: true });
    if (children.length === 0 && rel !== '') entries.push(rel);
    for (const child of children) {
      const path = rel === '' ? child.name : `${rel}/${child.name}`;
      if (child.isDirectory()) await walk(path);
      // Sockets and fifos cannot go into a tar; Docker's own CLI skips them too.
      else if (child.isFile() || child.isSymbolicLink()) entries.push(path);
    }
  };
  await walk('');
  return entries;
}

/** One JSON message of the Engine's build stream. */
interface BuildMessage {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

const TAIL_LINES = 20;

/**
 * Builds `plan` into `tag` with the classic builder, streaming its output to `output`. Never pulls
 * on purpose: the FROM image must already be present (no registry is assumed reachable); when it
 * is not, the Engine's own error says which image is missing. Fails with the last lines of output.
 */
export async function buildImage(
  docker: Dockerode,
  plan: BuildPlan,
  tag: string,
  labels: Readonly<Record<string, string>>,
  output: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<Result<string, string>> {
  const log = new BuildLog(output);
  const failed = (why: string) =>
    err(`building ${tag} from ${plan.context} failed: ${why}${log.tailText()}`);

  let src: string[];
  try {
    src = await contextEntries(plan.context);
  } catch (error) {
    return err(`cannot read build context ${plan.context}: ${messageOf(error)}`);
  }
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: plan.context, src },
      buildOptions(plan, tag, labels, signal),
    );
  } catch (error) {
    return failed(messageOf(error));
  }
  try {
    await log.read(stream);
  } catch (thrown) {
    return failed(`the build stream broke: ${messageOf(thrown)}`);
  }
  return log.error === undefined ? ok(tag) : failed(log.error);
}

/** The build request's query parameters. Exported for testing. */
export function buildOptions(
  plan: BuildPlan,
  tag: string,
  labels: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
) {
  return {
    t: tag,
    dockerfile: plan.dockerfile,
    buildargs: { ...plan.args },
    labels: { ...plan.labels, ...labels },
    ...(plan.target === undefined ? {} : { target: plan.target }),
    nocache: plan.noCache,
    ...(plan.platform === undefined ? {} : { platform: plan.platform }),
    // Intermediate containers would be unlabelled leftovers: remove them even after a failure.
    rm: true,
    forcerm: true,
    version: '1' as const,
    // Closing the request makes the Engine cancel the build.
    ...(signal === undefined ? {} : { abortSignal: signal }),
  };
}

/** The Engine's build stream read line by line: passed on, its tail kept, its error noted. */
class BuildLog {
  /** The build's error message, when the Engine reported one. */
  error: string | undefined;
  readonly #output: (chunk: Buffer) => void;
  readonly #tail: string[] = [];

  constructor(output: (chunk: Buffer) => void) {
    this.#output = output;
  }

  async read(stream: NodeJS.ReadableStream): Promise<void> {
    let pending = '';
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    }
    this.#onLine(pending);
  }

  /** The last lines of output, to explain a failure (empty when there were none). */
  tailText(): string {
    return this.#tail.length > 0 ? `\n${this.#tail.join('\n')}` : '';
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let message: BuildMessage;
    try {
      message = JSON.parse(line) as BuildMessage;
    } catch {
      // Not JSON: pass it on as it is rather than lose it.
      message = { stream: `${line}\n` };
    }
    const text =
      message.stream ?? (message.status === undefined ? undefined : `${message.status}\n`);
    if (text !== undefined) {
      this.#output(Buffer.from(text));
      this.#remember(text);
    }
    if (message.error !== undefined) this.error = message.errorDetail?.message ?? message.error;
  }

  #remember(text: string): void {
    const tail = this.#tail;
    for (const line of text.split('\n')) if (line.trim() !== '') tail.push(line.trimEnd());
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  }
}
