import { dirname } from 'node:path';
import { requestScale, type ControlClientFailure } from '../control/control-client.js';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS } from '../control/protocol.js';
import type { ScaleAnswer } from '../control/scale-protocol.js';
import { parseCommandArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import {
  CONTROL_FLAGS,
  loadStackFromFlags,
  STACK_FLAGS_USAGE,
  stateDirOf,
} from './stack-options.js';
import { styleFor } from './style.js';
import { parseScaleFlags } from './up/up-options.js';
import { UsageError } from './usage-error.js';

export const SCALE_USAGE = `Usage: devenv scale SERVICE=N… [options]

Runs N replicas of each named service of the running stack, as \`docker compose up --scale\`:
the missing replicas (SERVICE-2…) start, replicas above N stop (the highest numbers first), and
the others are not touched. N=0 stops them all. Waits until the new replicas are ready.

      --timeout SECONDS    how long to wait for the new replicas (default ${DEFAULT_WAIT_MS / 1000})
      --no-wait            answer once asked, without waiting for readiness
      --json               one JSON object per service: {"service", "replicas", "results"}
${STACK_FLAGS_USAGE}

Exit status: 0 every replica ok, 1 some failed or no devenv runs this stack, 2 usage error
(a service the stack does not have, or a count its host ports cannot serve).`;

/** Asks the `devenv up` of this stack, over its control socket, to scale services. */
export const scaleCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, CONTROL_FLAGS, SCALE_USAGE, true);
  if (values.help) {
    ctx.out(SCALE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one SERVICE=N', SCALE_USAGE);
  const counts = parseScaleFlags(positionals, SCALE_USAGE);
  const timeoutMs = parseTimeout(values.timeout);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const { controlSocketPath } = await import('../control/socket-path.js');
  const socket = controlSocketPath(stateDir);
  let failed = 0;
  for (const [service, replicas] of Object.entries(counts)) {
    const wait = values['no-wait'] !== true;
    // Stopping replicas takes up to their grace periods on top of the wait for new ones.
    const answered = await requestScale(
      socket,
      { service, replicas, wait, timeoutMs },
      timeoutMs + 120_000,
    );
    if (!answered.ok) return explain(answered.error, stateDir, ctx);
    if (values.json) ctx.out(JSON.stringify(answered.value));
    else printAnswer(answered.value, ctx);
    failed += Object.values(answered.value.results).filter((r) => !r.ok).length;
  }
  return failed === 0 ? 0 : 1;
};

function printAnswer(answer: ScaleAnswer, ctx: CommandContext): void {
  const style = styleFor(ctx.stdout, ctx.env);
  const entries = Object.entries(answer.results);
  if (entries.length === 0)
    ctx.out(
      `${answer.service}: already ${answer.replicas} replica${answer.replicas === 1 ? '' : 's'}`,
    );
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  for (const [name, result] of entries)
    ctx.out(`${name.padEnd(width)}  ${(result.ok ? style.ok : style.fail)(result.message)}`);
}

function explain(failure: ControlClientFailure, stateDir: string, ctx: CommandContext): number {
  switch (failure.reason) {
    case 'refused':
      ctx.err(`devenv scale: ${failure.message}`);
      // 400: the request itself (a service the stack lacks, a count its ports cannot serve).
      return failure.status === 400 ? 2 : 1;
    case 'unknown-service':
      ctx.err(`devenv scale: ${failure.message}`);
      return 2;
    case 'no-answer':
      ctx.err(
        `devenv scale: devenv did not answer properly on ${failure.path}: ${failure.message}`,
      );
      return 1;
    case 'unreachable':
      ctx.err(
        `devenv scale: no devenv is running for this project in ${dirname(stateDir)} (nothing answers on ${failure.path}); start it with \`npm run dev\` or \`devenv up\`, with --scale SERVICE=N to start with replicas`,
      );
      return 1;
  }
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WAIT_MS;
  const ms = Math.round(Number(raw) * 1000);
  if (!Number.isFinite(ms) || ms < 1 || ms > MAX_WAIT_MS)
    throw new UsageError(
      `--timeout ${raw}: expected a number of seconds up to ${MAX_WAIT_MS / 1000}`,
      SCALE_USAGE,
    );
  return ms;
}
