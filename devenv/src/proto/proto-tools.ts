import { readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { runCommand } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';
import type { ProtoFailure } from './proto-failure.js';

/** versions.yaml `libraries:` key of protobuf-es (the runtime and its generator share a version). */
export const PROTOBUF_ES_LIBRARY = 'protobuf-es';
/** versions.yaml `libraries:` key of the Python protobuf runtime that the Python gencode targets. */
export const PROTOBUF_PYTHON_LIBRARY = 'protobuf-python';

/** The generators of buf.gen.yaml, resolved and checked against versions.yaml. */
export interface ProtoTools {
  readonly buf: string;
  /** For `buf generate` only: the environment whose PATH has protoc and protoc-gen-es first. */
  readonly generateEnv?: NodeJS.ProcessEnv;
}

/** Finds buf (installing it when missing), and for generation protoc and protoc-gen-es too. */
export async function resolveProtoTools(
  projectRoot: string,
  versions: Versions,
  toolchain: Toolchain,
  forGeneration: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Result<ProtoTools, ProtoFailure>> {
  const [buf, protoc] = await Promise.all([
    toolchain.ensure('buf'),
    forGeneration ? toolchain.ensure('protoc') : Promise.resolve(undefined),
  ]);
  if (!buf.ok) return err(toolUnavailable('buf', buf.error));
  if (!forGeneration) return ok({ buf: buf.value.path });
  if (protoc && !protoc.ok) return err(toolUnavailable('protoc', protoc.error));
  const es = await checkProtocGenEs(projectRoot, versions);
  if (!es.ok) return es;
  const binDir = join(projectRoot, 'node_modules', '.bin');
  // buf.gen.yaml names plugins, not paths: the pinned copies go first on PATH. protoc-gen-es
  // starts with `#!/usr/bin/env node`, so the Node running devenv (versions.yaml's) goes there too.
  const path = [
    ...(protoc?.ok ? [dirname(protoc.value.path)] : []),
    binDir,
    dirname(process.execPath),
    env['PATH'] ?? '',
  ].join(delimiter);
  return ok({ buf: buf.value.path, generateEnv: { ...env, PATH: path } });
}

/** The installed protoc-gen-es must be the version versions.yaml names (package.json pins it too). */
export async function checkProtocGenEs(
  projectRoot: string,
  versions: Versions,
): Promise<Result<string, ProtoFailure>> {
  const wanted = versions.libraries[PROTOBUF_ES_LIBRARY];
  const manifest = join(projectRoot, 'node_modules', '@bufbuild', 'protoc-gen-es', 'package.json');
  let found: string | undefined;
  try {
    found = (JSON.parse(await readFile(manifest, 'utf8')) as { version?: string }).version;
  } catch (thrown) {
    return err({
      reason: 'proto-tool-unavailable',
      tool: 'protoc-gen-es',
      detail: `not installed (${messageOf(thrown)})`,
      remediation: 'run `npm install` (package.json pins @bufbuild/protoc-gen-es)',
    });
  }
  if (wanted === undefined || found !== wanted) {
    return err({
      reason: 'proto-tool-unavailable',
      tool: 'protoc-gen-es',
      detail: `versions.yaml libraries.${PROTOBUF_ES_LIBRARY} wants ${wanted ?? '(nothing)'}, node_modules has ${found ?? 'an unknown version'}`,
      remediation: `pin @bufbuild/protobuf and @bufbuild/protoc-gen-es to ${wanted ?? 'the versions.yaml version'} in package.json and run \`npm install\``,
    });
  }
  return ok(found);
}

export interface BufRun {
  readonly code: number | null;
  /** Everything buf printed, stdout and stderr in the order they came. */
  readonly output: string;
  readonly spawnError?: string;
}

/** Runs buf from the project root, keeping all of its output (errors are shown as buf wrote them). */
export async function runBuf(
  buf: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BufRun> {
  let output = '';
  const outcome = await runCommand(buf, args, {
    cwd,
    env,
    timeoutMs: 5 * 60_000,
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  return {
    code: outcome.code,
    output,
    ...(outcome.spawnError !== undefined ? { spawnError: outcome.spawnError } : {}),
  };
}

/** buf's exit codes: 0 ok, 100 the input has problems (lint, breaking, compile), else it broke. */
export function bufResult(
  run: BufRun,
  step: 'generate' | 'lint' | 'breaking',
): Result<string, ProtoFailure> {
  if (run.code === 0) return ok(run.output);
  if (run.code === 100 || (run.code === 1 && /^\S+\.proto:\d+:\d+:/m.test(run.output))) {
    return err({ reason: 'buf-rejected', step, output: run.output });
  }
  return err({
    reason: 'buf-crashed',
    step,
    detail: run.spawnError ?? `exit ${String(run.code)}: ${run.output.trim()}`,
  });
}

function toolUnavailable(
  tool: 'buf' | 'protoc',
  failure: Parameters<typeof describeToolFailure>[0],
): ProtoFailure {
  return {
    reason: 'proto-tool-unavailable',
    tool,
    detail: describeToolFailure(failure),
    remediation: failure.remediation,
  };
}
