import { constants } from 'node:os';
import { requestWait } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { ServiceExit } from '../control/wait-protocol.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { describeControlFailure } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const WAIT_USAGE = `Usage: devenv wait SERVICE… [options]

Blocks until the runs of the named services of the running stack end, as \`docker compose wait\`,
and prints how each ended, in the order they did: "SERVICE exited with status code N" (killed by
a signal: 128 + its number, as a container reports it). A service that is not running answers
at once with its last run's. The exit status is the status code of the last to end.

      --down-project       then stop the whole stack, as \`devenv down\`
${STACK_FLAGS_USAGE}

Exit status: the last service's status code; 1 no devenv runs this stack; 2 usage error.`;

const FLAGS = {
  ...STACK_FLAGS,
  'down-project': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Asks the `devenv up` of this stack to answer once the services' runs have ended. */
export const waitCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, FLAGS, WAIT_USAGE, true);
  if (values.help) {
    ctx.out(WAIT_USAGE);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('name at least one SERVICE to wait for', WAIT_USAGE);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const answered = await requestWait(controlSocketPath(stateDir), [...new Set(positionals)]);
  if (!answered.ok) {
    ctx.err(await describeControlFailure('wait', answered.error, stateDir, WAIT_USAGE));
    return 1;
  }
  const exits = Object.entries(answered.value.results).sort(
    ([, a], [, b]) => (a.at ?? 0) - (b.at ?? 0),
  );
  let status = 0;
  for (const [name, exit] of exits) {
    status = statusCode(exit);
    ctx.out(
      exit.at === null
        ? `${name} has not run (${exit.phase})`
        : `${name} exited with status code ${status}`,
    );
  }
  if (!values['down-project']) return status;
  const { downCommand } = await import('./down-command.js');
  const down = await downCommand(stackArgs(values), ctx);
  return down === 0 ? status : down;
};

/** How a container reports an exit: its code, or 128 + the number of the signal that ended it. */
export function statusCode(exit: ServiceExit): number {
  if (exit.code !== null) return exit.code;
  const signals = constants.signals as Readonly<Record<string, number>>;
  const number = exit.signal !== null ? signals[exit.signal] : undefined;
  return number === undefined ? (exit.at === null ? 0 : 1) : 128 + number;
}

/** The stack flags again, for `devenv down`. */
function stackArgs(values: {
  readonly file?: string[] | undefined;
  readonly 'project-name'?: string | undefined;
  readonly profile?: string[] | undefined;
  readonly 'env-file'?: string | undefined;
}): string[] {
  return [
    ...(values.file ?? []).flatMap((file) => ['-f', file]),
    ...(values['project-name'] === undefined ? [] : ['-p', values['project-name']]),
    ...(values.profile ?? []).flatMap((profile) => ['--profile', profile]),
    ...(values['env-file'] === undefined ? [] : ['--env-file', values['env-file']]),
  ];
}
