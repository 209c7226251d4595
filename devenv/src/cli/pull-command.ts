import { parseCommandArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';
import type { PullSelection, PullTarget } from '../runtime/docker-pull-plan.js';

export const PULL_USAGE = `Usage: devenv pull [SERVICE…] [options]

Pulls the images of the services (all, or those named) through the Docker Engine, as
\`docker compose pull\`: each service with image:, each image once. A service that can also be
built is tried and its failure only warned about; pull_policy never or build leaves a service
out. The pull time is kept for pull_policy daily, weekly and every_<duration>.

      --ignore-pull-failures  pull what can be pulled; a failure is a warning (exit 0)
  -q, --quiet              no progress, only failures
      --include-deps       also the services the named ones depend on
      --ignore-buildable   leave out the services that have build:
${STACK_FLAGS_USAGE}

Exit status: 0 every image pulled (or its failure tolerated), 1 a pull failed or no Docker
Engine answers, 2 usage or config error.`;

const FLAGS = {
  ...STACK_FLAGS,
  'ignore-pull-failures': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'include-deps': { type: 'boolean' },
  'ignore-buildable': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface PullOptions extends PullSelection {
  readonly ignoreFailures: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
}

/** `devenv pull`'s command line, checked (an unknown flag is a UsageError). */
export function parsePullOptions(args: readonly string[]) {
  const { values, positionals } = parseCommandArgs(args, FLAGS, PULL_USAGE, true);
  const options: PullOptions = {
    services: positionals,
    includeDeps: values['include-deps'] === true,
    ignoreBuildable: values['ignore-buildable'] === true,
    ignoreFailures: values['ignore-pull-failures'] === true,
    quiet: values.quiet === true,
    help: values.help === true,
  };
  return { values, options };
}

export const pullCommand: Command = async (args, ctx) => {
  const { values, options } = parsePullOptions(args);
  if (options.help) {
    ctx.out(PULL_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const { pullPlan } = await import('../runtime/docker-pull-plan.js');
  const plan = pullPlan(stack, options);
  if (plan.unknown.length > 0)
    throw new UsageError(
      `no service named ${plan.unknown.map((name) => `"${name}"`).join(', ')}; services: ${stack.startOrder.join(', ')}`,
      PULL_USAGE,
    );
  if (!options.quiet)
    for (const { service, why } of plan.skipped) ctx.err(`${service}: skipped (${why})`);
  return pullTargets(plan.targets, stateDirOf(stack, ctx), options, ctx);
};

async function pullTargets(
  targets: readonly PullTarget[],
  stateDir: string,
  options: PullOptions,
  ctx: CommandContext,
): Promise<number> {
  const { default: Dockerode } = await import('dockerode');
  const { pingDockerEngine, describeEngineSilence } = await import('../runtime/docker-ping.js');
  const { pullImage, pullTimesFile, recordPull } = await import('../runtime/docker-pull.js');
  const docker = new Dockerode();
  const engine = await pingDockerEngine(docker);
  if (!engine.ok) {
    ctx.err(
      `devenv pull: the Docker Engine does not answer (${describeEngineSilence(engine.error)}): start it (\`sudo systemctl start docker\`)`,
    );
    return 1;
  }
  // Ctrl-C cancels the pulls in flight, as it does in `docker compose pull`.
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  const log = options.quiet ? () => {} : (line: string) => ctx.err(line);
  try {
    const outcomes = await Promise.all(
      targets.map(async (target) => {
        const pulled = await pullImage(docker, target.image, log, stop.signal);
        if (pulled.ok) await recordPull(pullTimesFile(stateDir), target.image, Date.now());
        return { target, pulled };
      }),
    );
    let failed = false;
    for (const { target, pulled } of outcomes) {
      if (pulled.ok) continue;
      const tolerated = target.buildable || options.ignoreFailures;
      const note = target.buildable ? ' (it can be built: `devenv up` builds it)' : '';
      ctx.err(
        `${tolerated ? 'warning: ' : ''}${target.services.join(', ')}: ${pulled.error}${note}`,
      );
      failed ||= !tolerated;
    }
    return failed || stop.signal.aborted ? 1 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
