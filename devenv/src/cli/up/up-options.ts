import type { RuntimeChoice } from '../../engine/supervisor.js';
import { metricsPortFrom } from '../../metrics/metrics-endpoint.js';
import { parseCommandArgs } from '../args.js';
import type { CommandContext } from '../command.js';
import { STACK_FLAGS, STACK_FLAGS_USAGE } from '../stack-options.js';
import type { AbortOn } from './abort-on-exit.js';
import { UsageError } from '../usage-error.js';
import type { DetachTarget } from './detach-progress.js';
import { parsePullOverride, type PullOverride } from '../../runtime/docker-pull-policy.js';

export const UP_USAGE = `Usage: devenv up [service…] [options]

Starts the stack (or the named services and what they depend on) and supervises it until
Ctrl-C: dependency order, readiness probes, restarts with backoff. Logs go to .devenv/logs/.

      --runtime R          native | docker | auto (default auto); per service: NAME=R (repeatable)
  -d, --detach             run in the background (output in .devenv/up.log); exit once
                           every service has started, leaving the stack running
      --wait               as -d, and exit once every service is ready (0) or one failed (1)
      --wait-timeout SECONDS  with -d/--wait: give up waiting after this long (default 300)
      --ci                 wait until every service is ready, report, stop everything, exit 0/1
      --timeout SECONDS    with --ci: give up after this long (default 300)
      --json               one JSON object per event on stdout
      --no-logs            do not echo service output
      --no-watch           do not reload services when their files change
      --scale SERVICE=N    run N replicas of SERVICE (repeatable; 0 runs none), over scale:
      --no-deps            only the services named, not what they depend on (taken to run
                           elsewhere: they are not waited for)
      --abort-on-container-exit     stop everything when a service's run ends by itself
                           (exits, or a crash); exit with its status
      --abort-on-container-failure  the same, only for an exit that is not clean
      --exit-code-from SERVICE      exit with SERVICE's status (implies
                           --abort-on-container-exit)
      --pull POLICY        always | missing | never: over every service's pull_policy (a
                           service with build: and no pull_policy is still built)
      --build, --force-recreate, --remove-orphans  accepted for Compose's sake: devenv
                           always builds (from the cache), starts afresh and reaps leftovers
${STACK_FLAGS_USAGE}

Environment: LOKI_URL ships every log line to that Loki (also on when the run has a loki
service); DEVENV_METRICS_PORT serves devenv's own /metrics there (default 9469, 0 any, off);
DEVENV_STACK_CACHE=off loads the compose files every time instead of using .devenv/cache/stack/
while nothing they depend on changed (explain: say on stderr whether the cache served, and why not).

Exit status: 0 stopped cleanly (--ci: all ready), 1 a service failed, 2 usage or config error.`;

const RUNTIMES = ['native', 'docker', 'auto'] as const satisfies readonly RuntimeChoice[];

const UP_FLAGS = {
  ...STACK_FLAGS,
  runtime: { type: 'string', multiple: true },
  detach: { type: 'boolean', short: 'd' },
  wait: { type: 'boolean' },
  'wait-timeout': { type: 'string' },
  ci: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  'no-logs': { type: 'boolean' },
  'no-watch': { type: 'boolean' },
  scale: { type: 'string', multiple: true },
  'no-deps': { type: 'boolean' },
  'abort-on-container-exit': { type: 'boolean' },
  'abort-on-container-failure': { type: 'boolean' },
  'exit-code-from': { type: 'string' },
  pull: { type: 'string' },
  build: { type: 'boolean' },
  'force-recreate': { type: 'boolean' },
  'remove-orphans': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type UpFlagValues = ReturnType<typeof parseCommandArgs<typeof UP_FLAGS>>['values'];

/** `devenv up`'s command line, checked: a bad flag is a UsageError naming it. */
export interface UpOptions {
  /** The parsed flags, for the stack flags `loadStackFromFlags` reads. */
  readonly values: UpFlagValues;
  /** Services named on the command line (empty: all). */
  readonly services: readonly string[];
  readonly help: boolean;
  readonly runtimeFor: (service: string) => RuntimeChoice;
  readonly ci: boolean;
  /** `-d` (every service started) or `--wait` (every service ready): run in the background. */
  readonly detach: DetachTarget | undefined;
  readonly json: boolean;
  readonly echoLogs: boolean;
  readonly watch: boolean;
  readonly timeoutMs: number;
  readonly waitTimeoutMs: number;
  readonly metricsPort: number | 'off';
  /** `--no-deps`: the named services without their dependencies. */
  readonly noDeps: boolean;
  /** `--scale SERVICE=N`: replicas per service, over the file's `scale` / `deploy.replicas`. */
  readonly scale: Readonly<Record<string, number>>;
  /** `--abort-on-container-exit|failure` (`--exit-code-from` implies exit): stop when a run ends. */
  readonly abortOn: AbortOn | undefined;
  /** `--exit-code-from SERVICE`: the exit status is that service's. */
  readonly exitCodeFrom: string | undefined;
  /** `--pull always|missing|never`: over every service's pull_policy, as Compose's flag. */
  readonly pull: PullOverride | undefined;
}

export function parseUpOptions(args: readonly string[], ctx: CommandContext): UpOptions {
  const { values, positionals } = parseCommandArgs(args, UP_FLAGS, UP_USAGE, true);
  const metricsPort = metricsPortFrom(ctx.env);
  if (!metricsPort.ok) throw new UsageError(metricsPort.error, UP_USAGE);
  const ci = values.ci === true;
  const detach = values.wait === true ? 'ready' : values.detach === true ? 'started' : undefined;
  if (ci && detach !== undefined)
    throw new UsageError(
      `--ci stops the stack when it is ready; ${values.wait === true ? '--wait' : '-d'} leaves it running: pick one`,
      UP_USAGE,
    );
  const abortOn = abortOnFlags(values, ci, detach !== undefined);
  return {
    values,
    services: positionals,
    help: values.help === true,
    runtimeFor: parseRuntimeFlags(values.runtime ?? []),
    ci,
    detach,
    json: values.json === true,
    echoLogs: !ci && !values['no-logs'],
    watch: !ci && !values['no-watch'],
    timeoutMs: parseTimeout(values.timeout, '--timeout'),
    waitTimeoutMs: parseTimeout(values['wait-timeout'], '--wait-timeout'),
    metricsPort: metricsPort.value,
    scale: parseScaleFlags(values.scale ?? [], UP_USAGE),
    noDeps: values['no-deps'] === true,
    abortOn,
    exitCodeFrom: values['exit-code-from'],
    pull: parsePullFlag(values.pull),
  };
}

function parsePullFlag(raw: string | undefined): PullOverride | undefined {
  if (raw === undefined) return undefined;
  const pull = parsePullOverride(raw);
  if (pull === undefined)
    throw new UsageError(`--pull ${raw}: expected always, missing or never`, UP_USAGE);
  return pull;
}

function abortOnFlags(values: UpFlagValues, ci: boolean, detach: boolean): AbortOn | undefined {
  const on =
    values['abort-on-container-exit'] === true || values['exit-code-from'] !== undefined
      ? 'exit'
      : values['abort-on-container-failure'] === true
        ? 'failure'
        : undefined;
  if (on === undefined) return undefined;
  if (values['abort-on-container-failure'] === true && values['abort-on-container-exit'] === true)
    throw new UsageError(
      '--abort-on-container-exit and --abort-on-container-failure: pick one',
      UP_USAGE,
    );
  if (ci || detach)
    throw new UsageError(
      `--abort-on-container-${on} stops the stack when a service ends; ${ci ? '--ci' : '-d/--wait'} cannot go with it`,
      UP_USAGE,
    );
  return on;
}

/** `SERVICE=N` pairs (`--scale`, `devenv scale`); N a whole number, 0 included, as in Compose. */
export function parseScaleFlags(flags: readonly string[], usage: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const flag of flags) {
    const match = /^([a-zA-Z0-9][a-zA-Z0-9._-]*)=(\d+)$/.exec(flag);
    if (!match?.[1] || match[2] === undefined)
      throw new UsageError(`${flag}: expected SERVICE=N, N a number of replicas`, usage);
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

function parseRuntimeFlags(flags: readonly string[]): (service: string) => RuntimeChoice {
  let fallback: RuntimeChoice = 'auto';
  const perService = new Map<string, RuntimeChoice>();
  for (const flag of flags) {
    const [left, right] = flag.includes('=') ? flag.split('=', 2) : [undefined, flag];
    if (!RUNTIMES.includes(right as RuntimeChoice)) {
      throw new UsageError(
        `--runtime ${flag}: expected ${RUNTIMES.join(', ')} (or NAME=${RUNTIMES.join('|')})`,
        UP_USAGE,
      );
    }
    if (left === undefined) fallback = right as RuntimeChoice;
    else perService.set(left, right as RuntimeChoice);
  }
  // A replica (`worker-2`) runs where its service is told to, unless named itself.
  return (service) =>
    perService.get(service) ?? perService.get(service.replace(/-\d+$/, '')) ?? fallback;
}

function parseTimeout(raw: string | undefined, flag: string): number {
  if (raw === undefined) return 300_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`${flag} ${raw}: expected a number of seconds`, UP_USAGE);
  return seconds * 1000;
}
