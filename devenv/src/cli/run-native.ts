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
  /**
   * `--entrypoint`, split into words: the program instead of the native command's first word (its
   * arguments stay unless COMMAND is given); `[]` leaves just the arguments or COMMAND.
   */
  readonly entrypoint: readonly string[] | undefined;
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
  if (input.entrypoint !== undefined) {
    const args = input.command.length > 0 ? input.command : native.command.slice(1);
    return ok({ argv: [...input.entrypoint, ...args], cwd, env });
  }
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

/** `docker compose run`'s container flags as a native one-off got them. */
export interface NativeRunFlags {
  readonly user: string | undefined;
  readonly volumes: readonly string[];
  readonly name: string | undefined;
  readonly detach: boolean;
  readonly labels: readonly string[];
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** `--entrypoint`, split into words. */
  readonly entrypoint: readonly string[] | undefined;
  readonly command: readonly string[];
}

/** Who this devenv runs as: the only user a native one-off can be. */
export interface CurrentUser {
  readonly username: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Why these flags cannot apply to a one-off process of the service on this host, or undefined
 * when they can: a container's user, mounts, name, labels and capabilities have no process
 * counterpart, and `-d` would leave a process nothing supervises. `-u` naming the current user
 * (name or uid, with its gid) asks for nothing to change, so it is accepted. Pure.
 */
export function nativeFlagProblem(
  spec: ServiceSpec,
  flags: NativeRunFlags,
  me: CurrentUser,
): string | undefined {
  const service = spec.name;
  const asContainer = `or have it run in a container: with \`devenv up --runtime ${service}=docker\` running, devenv run makes a container one-off, where the flag applies`;
  const first = (values: readonly string[]) => values[0];
  if (flags.user !== undefined && !isCurrentUser(flags.user, me))
    return `-u ${flags.user}: ${service} runs natively, as a process of yours (${me.username}, uid ${me.uid}), which cannot become another user: drop -u (or give ${me.username}), ${asContainer}`;
  const volume = first(flags.volumes);
  if (volume !== undefined)
    return `-v ${volume}: ${service} runs natively, as a process on this host, which sees this host's files where they are and has nothing to mount: drop -v and give it the host path, ${asContainer}`;
  if (flags.name !== undefined)
    return `--name ${flags.name}: ${service} runs natively, as a process, not a container: there is no container to name (its log is ${service}-run-<n>): drop --name, ${asContainer}`;
  if (flags.detach)
    return `-d: ${service} runs natively, and a one-off process is this terminal's: nothing would supervise it or keep its output once devenv run returned: drop -d and put it in the background with your shell (\`devenv run ${service} … &\`), ${asContainer}`;
  const label = first(flags.labels);
  if (label !== undefined)
    return `-l ${label}: ${service} runs natively, and a process has no labels: drop -l, ${asContainer}`;
  for (const [flag, caps] of [
    ['--cap-add', flags.capAdd],
    ['--cap-drop', flags.capDrop],
  ] as const) {
    const cap = first(caps);
    if (cap !== undefined)
      return `${flag} ${cap}: ${service} runs natively, as a process of yours, whose capabilities are its user's, not a container's: drop ${flag}, ${asContainer}`;
  }
  const nativeArgs = spec.devenv.native?.command.slice(1) ?? [];
  if (flags.entrypoint?.length === 0 && flags.command.length === 0 && nativeArgs.length === 0)
    return `--entrypoint '': ${service}'s native command has no arguments to run without its program: give COMMAND, or a program to --entrypoint`;
  return undefined;
}

/** `-u NAME|UID[:GID]` naming this user (and its group, by gid). */
function isCurrentUser(user: string, me: CurrentUser): boolean {
  const [name, group, ...rest] = user.split(':');
  if (rest.length > 0) return false;
  const sameUser = name === me.username || name === String(me.uid);
  return sameUser && (group === undefined || group === String(me.gid));
}
