import { resolve } from 'node:path';
import { getExecTarget, listServices } from '../control/control-client.js';
import { withToolsOnPath } from '../control/exec-target.js';
import type { ExecTarget } from '../control/protocol.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { Command } from './command.js';
import { runInForeground } from './foreground-process.js';
import { describeControlFailure, instanceName, parseIndex } from './running-stack.js';
import { parseEnvFlags, parseServiceCommandLine } from './service-command-line.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const EXEC_USAGE = `Usage: devenv exec [options] SERVICE [--] COMMAND [ARG…]

Runs COMMAND in a running service, as \`docker compose exec\` does: with the environment devenv
gave the service (its interpolated variables, DEVENV_SESSION_TOKEN, DEVENV_TOOL_*), read back
from its process, with its tools first on PATH, in its working directory; a container service's command runs inside its
container (\`docker exec\`). Stdin, stdout and stderr are this terminal's.

  devenv exec postgres sh -c 'psql -h 127.0.0.1 -U "$POSTGRES_USER" -c "select 1"'
  devenv exec worker-typescript env

  -e, --env KEY=VALUE      set a variable for the command (repeatable; KEY alone: this shell's)
  -w, --workdir DIR        run there (natively relative to the service's directory)
  -T, --no-tty             no pseudo-terminal for a container command, even from a terminal
      --index N            replica N of a service with several (default: the first)
${STACK_FLAGS_USAGE}

Exit status: the command's (128+n when signal n ended it, 127 not found); 1 when the service is
not running or no devenv runs this stack; 2 usage error.`;

const OPTIONS = {
  ...STACK_FLAGS,
  env: { type: 'string', short: 'e', multiple: true },
  workdir: { type: 'string', short: 'w' },
  'no-tty': { type: 'boolean', short: 'T' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const execCommand: Command = async (args, ctx) => {
  const { values, service, command } = parseServiceCommandLine(args, OPTIONS, EXEC_USAGE);
  if (values.help) {
    ctx.out(EXEC_USAGE);
    return 0;
  }
  if (service === undefined) throw new UsageError('name a service and a command', EXEC_USAGE);
  if (command.length === 0) throw new UsageError(`name a command to run in ${service}`, EXEC_USAGE);
  const extraEnv = parseEnvFlags(values.env, ctx.env, EXEC_USAGE);
  const index = parseIndex(values.index, EXEC_USAGE);

  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const fail = async (failure: Parameters<typeof describeControlFailure>[1]) => {
    ctx.err(await describeControlFailure('exec', failure, stateDir, EXEC_USAGE));
    return 1;
  };
  const listed = await listServices(socket);
  if (!listed.ok) return fail(listed.error);
  const running = listed.value.services.map((s) => s.name);
  const name = instanceName(running, service, index);
  if (name === undefined)
    throw new UsageError(
      `no service ${service}${index === undefined ? '' : ` with replica ${index}`} in the running stack; services: ${running.join(', ')}`,
      EXEC_USAGE,
    );
  const target = await getExecTarget(socket, name);
  if (!target.ok) return fail(target.error);
  const problem = notRunnable(target.value);
  if (problem !== undefined) {
    ctx.err(`devenv exec: ${problem}`);
    return 1;
  }
  const tty = values['no-tty'] !== true && process.stdin.isTTY;
  const where = target.value;
  const onSpawnError = (message: string) => ctx.err(`devenv exec: ${message}`);
  if (where.runtime === 'docker')
    return runInForeground(
      dockerExecArgv(where.containerId!, command, extraEnv, values.workdir, tty),
      { cwd: process.cwd(), env: process.env },
      onSpawnError,
    );
  return runInForeground(
    command,
    {
      cwd: values.workdir === undefined ? where.cwd! : resolve(where.cwd!, values.workdir),
      env: { ...withToolsOnPath(where.environment), ...extraEnv },
    },
    onSpawnError,
  );
};

/** Why a command cannot join the service now, and what to do; undefined when it can. */
function notRunnable(target: ExecTarget): string | undefined {
  if (target.runtime === null)
    return `${target.name} is not running (${target.phase}); start it with \`devenv start ${target.name}\``;
  if (target.runtime === 'docker' && target.containerId === null)
    return `${target.name} has no container yet (${target.phase}); try again once it runs`;
  if (target.runtime === 'native' && (target.cwd === null || target.problem !== null))
    return `cannot join ${target.name} (${target.phase}): ${target.problem ?? 'no working directory known'}`;
  return undefined;
}

/** `docker exec`, interactive as Compose's is, with a terminal when there is one. */
export function dockerExecArgv(
  containerId: string,
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  workdir: string | undefined,
  tty: boolean,
): string[] {
  return [
    'docker',
    'exec',
    tty ? '-it' : '-i',
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(workdir === undefined ? [] : ['-w', workdir]),
    containerId,
    ...command,
  ];
}
