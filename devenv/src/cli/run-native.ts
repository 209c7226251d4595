import { resolve } from 'node:path';
import { withToolsOnPath } from '../control/exec-target.js';
import type { ServiceSpec } from '../model/stack.js';
import { toolEnvName } from '../runtime/native.js';
import { SESSION_TOKEN_VAR } from '../session/session-secret.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ToolId } from '../versions/tool-ids.js';

export interface NativeRun {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface NativeRunInput {
  readonly spec: ServiceSpec;
  /** COMMAND as given; empty: the service's own command. */
  readonly command: readonly string[];
  /** The environment of the service's running process, when one runs: taken as it is. */
  readonly runningEnvironment: Readonly<Record<string, string>> | undefined;
  /** The session's token, for a service that is not running (its process would have it). */
  readonly sessionToken: string | undefined;
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  /** Where a toolchain tool is (found, or installed as `devenv up` would). */
  readonly toolPath: (tool: ToolId) => Promise<Result<string, string>>;
}

/**
 * A one-off process of a native service, as the native runtime starts the service itself: its
 * environment (devenv's, DEVENV_TOOL_* for the tools it needs, the service's variables and the
 * session token), its working directory, and its command, with the tool's executable resolved.
 */
export async function nativeRunOf(input: NativeRunInput): Promise<Result<NativeRun, string>> {
  const { spec } = input;
  const native = spec.devenv.native;
  if (!native) return err(`${spec.name} has no x-devenv.native command to run as a local process`);
  let env: NodeJS.ProcessEnv;
  if (input.runningEnvironment) env = { ...input.runningEnvironment };
  else {
    const toolEnv: Record<string, string> = {};
    for (const tool of native.tool ? [...native.requires, native.tool] : native.requires) {
      const path = await input.toolPath(tool);
      if (!path.ok) return path;
      toolEnv[toolEnvName(tool)] = path.value;
    }
    const token = input.sessionToken ? { [SESSION_TOKEN_VAR]: input.sessionToken } : {};
    env = { ...process.env, ...toolEnv, ...spec.environment, ...token, ...native.environment };
  }
  env = { ...withToolsOnPath(env), ...input.extraEnv };
  const cwd = input.workdir === undefined ? native.cwd : resolve(native.cwd, input.workdir);
  if (input.command.length > 0) return ok({ argv: input.command, cwd, env });
  if (!native.tool) return ok({ argv: native.command, cwd, env });
  const exe = env[toolEnvName(native.tool)] ?? (await toolPathOrError(input, native.tool));
  if (typeof exe !== 'string') return exe;
  return ok({ argv: [exe, ...native.command.slice(1)], cwd, env });
}

async function toolPathOrError(
  input: NativeRunInput,
  tool: ToolId,
): Promise<string | Result<never, string>> {
  const path = await input.toolPath(tool);
  return path.ok ? path.value : path;
}
