import { lazyDockerReaper } from '../../runtime/lazy-reaper.js';
import { reapSession, removeSessionFiles } from '../../session/reap.js';
import { readSession, sessionPath } from '../../session/session-file.js';
import type { CommandContext } from '../command.js';

/**
 * What a devenv that did not exit cleanly left behind is stopped before this one starts; a stack
 * still running under another devenv is left alone ('running').
 */
export async function reapPreviousSession(
  stateDir: string,
  ctx: CommandContext,
): Promise<'clear' | 'running'> {
  const session = sessionPath(stateDir);
  const previous = readSession(session);
  if (!previous) return 'clear';
  const reaped = await reapSession(
    previous,
    lazyDockerReaper({
      projectName: previous.projectName,
      sessionId: previous.sessionId,
      onProblem: (problem) => ctx.err(`devenv: leftover containers: ${problem}`),
    }),
  );
  if (reaped.kind === 'still-running') {
    ctx.err(
      `devenv: this stack is already running under devenv (pid ${reaped.pid}); stop it with \`devenv down\` or Ctrl-C in its terminal`,
    );
    return 'running';
  }
  for (const why of reaped.refused) ctx.err(`devenv: not acted on, from ${session}: ${why}`);
  await removeSessionFiles(stateDir, previous.sessionId);
  if (reaped.processGroups > 0)
    ctx.err(
      `devenv: stopped ${reaped.processGroups} leftover process group(s) of a devenv that did not exit cleanly (pid ${previous.devenvPid})`,
    );
  if (reaped.containers.length > 0)
    ctx.err(`devenv: removed ${reaped.containers.length} leftover container(s) of that devenv`);
  return 'clear';
}
