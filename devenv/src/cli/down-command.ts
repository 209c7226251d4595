import { setTimeout as sleep } from 'node:timers/promises';
import { lazyDockerReaper } from '../runtime/lazy-reaper.js';
import { reapSession, removeSessionFiles, sessionOwnerAlive } from '../session/reap.js';
import { readSession, removeSession, sessionPath } from '../session/session-file.js';
import { parseCommandArgs } from './args.js';
import type { Stack } from '../model/stack.js';
import type { CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';

export const DOWN_USAGE = `Usage: devenv down [options]

Stops the stack: asks the running devenv to stop everything (as Ctrl-C would), or, when that
devenv is gone, kills what it left behind.

      --timeout SECONDS    how long to wait for a running devenv to finish (default 60)
  -v, --volumes            then remove the named volumes the file declares (not external
                           ones) from the Docker Engine; native services' data in .devenv/ is kept
${STACK_FLAGS_USAGE}`;

export async function downCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      timeout: { type: 'string' },
      volumes: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    DOWN_USAGE,
  );
  if (values.help) {
    ctx.out(DOWN_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const code = await stopStack(stack, values.timeout, ctx);
  if (code !== 0 || values.volumes !== true) return code;
  const { removeVolumes } = await import('./down-volumes.js');
  return removeVolumes(stack, ctx);
}

/** Stops what runs (the running devenv, or what a dead one left); the exit status. */
async function stopStack(
  stack: Stack,
  timeout: string | undefined,
  ctx: CommandContext,
): Promise<number> {
  const path = sessionPath(stateDirOf(stack, ctx));
  const session = readSession(path);
  if (!session) {
    ctx.out('nothing is running');
    return 0;
  }
  const outcome = await reapSession(
    session,
    lazyDockerReaper({
      projectName: session.projectName,
      sessionId: session.sessionId,
      onProblem: (problem) => ctx.err(`devenv down: containers: ${problem}`),
    }),
  );
  if (outcome.kind === 'still-running') {
    ctx.out(`stopping devenv (pid ${outcome.pid})…`);
    process.kill(outcome.pid, 'SIGTERM');
    const deadline = Date.now() + Number(timeout ?? 60) * 1000;
    while (Date.now() < deadline && (await sessionOwnerAlive(session))) await sleep(100);
    if (await sessionOwnerAlive(session)) {
      ctx.err(
        `devenv (pid ${outcome.pid}) is still stopping after ${timeout ?? 60} s; run \`devenv down\` again to wait, or kill -9 ${outcome.pid} and run it again to reap`,
      );
      return 1;
    }
    ctx.out('stopped');
    return 0;
  }
  for (const why of outcome.refused) ctx.err(`devenv down: not acted on, from ${path}: ${why}`);
  await removeSessionFiles(stateDirOf(stack, ctx), session.sessionId);
  removeSession(path);
  const left = [
    outcome.processGroups > 0 ? `killed ${outcome.processGroups} leftover process group(s)` : '',
    outcome.containers.length > 0
      ? `removed ${outcome.containers.length} leftover container(s)`
      : '',
  ].filter((part) => part.length > 0);
  ctx.out(
    left.length > 0
      ? `${left.join(', ')} of devenv pid ${session.devenvPid}`
      : 'nothing was left running',
  );
  return 0;
}
