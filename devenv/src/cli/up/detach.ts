import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../../model/stack.js';
import { sessionOwnerAlive } from '../../session/reap.js';
import { readSession, sessionPath } from '../../session/session-file.js';
import { readStateSnapshot, stateSnapshotPath } from '../../session/state-snapshot.js';
import type { CommandContext } from '../command.js';
import { thisDevenv } from '../this-devenv.js';
import { describeDetached, detachProgress, type DetachTarget } from './detach-progress.js';

/** Flags of the foreground `devenv up -d` that the background devenv must not see. */
const DETACH_ONLY = new Set(['-d', '--detach', '--wait']);
const POLL_MS = 100;

export interface DetachRequest {
  readonly args: readonly string[];
  readonly stack: Stack;
  readonly stateDir: string;
  readonly target: DetachTarget;
  readonly timeoutMs: number;
}

/** Where the background devenv writes what a foreground one prints. */
export function detachedLogPath(stateDir: string): string {
  return join(stateDir, 'up.log');
}

/**
 * `devenv up -d` / `--wait`: the same `devenv up` in the background (its own session, output to
 * .devenv/up.log), then waits until the stack is started or ready and exits, leaving it
 * running for `devenv ps`, `logs`, `exec` and `down`. 0 when it got there; 1 when a service
 * failed, time ran out or the background devenv ended (its last lines are printed).
 */
export async function detachUp(request: DetachRequest, ctx: CommandContext): Promise<number> {
  const owner = await runningOwner(request.stateDir);
  if (owner !== undefined) {
    ctx.out(`devenv (pid ${owner}) already runs this stack; \`devenv down\` stops it`);
    return follow(request, owner, undefined, ctx);
  }
  const logPath = detachedLogPath(request.stateDir);
  const log = openSync(logPath, 'w', 0o600);
  const background = thisDevenv(['up', ...backgroundArgs(request.args)]);
  const child = spawn(background.command, background.args, {
    cwd: process.cwd(),
    env: ctx.env,
    detached: true,
    // No console window of its own on Windows (what detached gives there).
    windowsHide: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const ended = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
  child.unref();
  if (child.pid === undefined) {
    ctx.err(`devenv up -d: could not start devenv in the background; see ${logPath}`);
    return 1;
  }
  return follow(request, child.pid, ended, ctx);
}

/** The background devenv's command line: this one's, without the flags that detach it. */
export function backgroundArgs(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      kept.push(...args.slice(i));
      break;
    }
    if (DETACH_ONLY.has(arg) || arg.startsWith('--wait-timeout=')) continue;
    if (arg === '--wait-timeout') {
      i++;
      continue;
    }
    kept.push(arg);
  }
  return ['--no-logs', ...kept];
}

async function runningOwner(stateDir: string): Promise<number | undefined> {
  const session = readSession(sessionPath(stateDir));
  return session !== undefined && (await sessionOwnerAlive(session))
    ? session.devenvPid
    : undefined;
}

async function follow(
  request: DetachRequest,
  pid: number,
  ended: Promise<number> | undefined,
  ctx: CommandContext,
): Promise<number> {
  const deadline = Date.now() + request.timeoutMs;
  let exitCode: number | undefined;
  void ended?.then((code) => (exitCode = code));
  for (;;) {
    const state = readStateSnapshot(stateSnapshotPath(request.stateDir), pid);
    const progress = state && detachProgress(state, request.stack, request.target);
    if (state && progress?.kind === 'done') {
      for (const line of describeDetached(state)) ctx.out(` ✔ ${line}`);
      ctx.out(
        `devenv (pid ${pid}) runs the stack in the background: \`devenv ps\`, \`devenv logs -f\`, \`devenv down\``,
      );
      return 0;
    }
    if (progress?.kind === 'failed') {
      for (const f of progress.failures)
        ctx.err(`${f.service}: ${f.reason} (\`devenv logs ${f.service}\`)`);
      ctx.err(`the stack keeps running under devenv (pid ${pid}); \`devenv down\` stops it`);
      return 1;
    }
    if (exitCode !== undefined) {
      ctx.err(`devenv up -d: the background devenv exited (${exitCode}):`);
      for (const line of lastLines(detachedLogPath(request.stateDir), 30)) ctx.err(`  ${line}`);
      return exitCode === 0 ? 1 : exitCode;
    }
    if (Date.now() > deadline) {
      const waiting = state ? describeDetached(state).join('; ') : 'no state written yet';
      ctx.err(
        `devenv up: not ${request.target} after ${request.timeoutMs / 1000} s (${waiting}); devenv (pid ${pid}) keeps running: \`devenv ps\`, \`devenv down\``,
      );
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function lastLines(path: string, count: number): string[] {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count);
  } catch {
    return [];
  }
}
