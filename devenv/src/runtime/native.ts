import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync } from 'node:fs';
import type { ServiceSpec } from '../model/stack.js';
import { findExecutable } from '../process/executable.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { ToolId } from '../versions/tool-ids.js';
import { drainAfterDevenv, outputPipes } from './output-pipes.js';
import { portsFree } from './ports-free.js';
import { describeUnavailable } from './unavailable.js';
import { groupExists, processStartTicks, signalGroup } from './process-group.js';
import type {
  ExitStatus,
  Runtime,
  ServiceHandle,
  StartContext,
  StartFailure,
  Unavailable,
} from './runtime.js';

/** Runs services as local processes, each in a process group of its own (killed as a whole). */
export function nativeRuntime(
  toolchain: Toolchain,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Runtime {
  /** The executable to run, and where each tool it needs was found (passed on as DEVENV_TOOL_<ID>). */
  const resolve = async (
    spec: ServiceSpec,
  ): Promise<Result<{ exe: string; toolEnv: Record<string, string> }, Unavailable>> => {
    const native = spec.devenv.native;
    if (!native) return err({ reason: 'no-native-command' });
    const [command] = native.command;
    if (command === undefined) return err({ reason: 'empty-native-command' });
    const toolEnv: Record<string, string> = {};
    for (const needed of native.tool ? [...native.requires, native.tool] : native.requires) {
      // A fresh clone has none of them yet: the first start installs from a package registry.
      const tool = await toolchain.ensure(needed);
      if (!tool.ok) return err({ reason: 'tool-failed', tool: needed, failure: tool.error });
      toolEnv[toolEnvName(needed)] = tool.value.path;
    }
    if (native.tool) return ok({ exe: toolEnv[toolEnvName(native.tool)]!, toolEnv });
    const found = await findExecutable(command, baseEnv['PATH'] ?? '', native.cwd);
    return found ? ok({ exe: found, toolEnv }) : err({ reason: 'not-on-path', command });
  };

  return {
    kind: 'native',
    check: async (spec) => {
      const resolved = await resolve(spec);
      if (!resolved.ok) return resolved;
      return portsFree(spec);
    },
    start: async (spec, ctx) => {
      const resolved = await resolve(spec);
      if (!resolved.ok)
        return err({ reason: 'unavailable', why: describeUnavailable(resolved.error) });
      const native = spec.devenv.native!;
      return spawnGroup(resolved.value.exe, native.command.slice(1), {
        cwd: native.cwd,
        env: { ...baseEnv, ...resolved.value.toolEnv, ...spec.environment, ...native.environment },
        ctx,
      });
    },
  };
}

/** `DEVENV_TOOL_POSTGRES`: how a service's launcher learns where devenv found a tool, without searching again. */
export function toolEnvName(tool: ToolId): string {
  return `DEVENV_TOOL_${tool.toUpperCase().replace(/-/g, '_')}`;
}

/** How long output may keep arriving after a service exited (a grandchild may hold the pipe). */
const PIPE_DRAIN_MS = 2_000;

interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ctx: StartContext;
}

async function spawnGroup(
  executable: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<Result<ServiceHandle, StartFailure>> {
  // Real pipes where possible: a logger writes much faster into one than into Node's socketpair.
  const pipes = await outputPipes();
  // detached = setsid(): the child leads a new process group that outlives neither our stop nor a reap.
  const child = spawn(executable, [...args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    // No console window of its own on Windows (what detached gives there).
    windowsHide: true,
    stdio: ['ignore', pipes?.[0].writeFd ?? 'pipe', pipes?.[1].writeFd ?? 'pipe'],
  });
  // The child has its own copies now; ours would keep the readers from ever seeing the end.
  if (pipes) for (const pipe of pipes) closeSync(pipe.writeFd);
  // Should devenv die before the service, its output still has somewhere to go (output-pipes.ts).
  const orphanDrain = pipes ? drainAfterDevenv(pipes) : undefined;
  const stdout = pipes?.[0].reader ?? child.stdout!;
  const stderr = pipes?.[1].reader ?? child.stderr!;
  // Both output streams closed: everything the service (and helpers holding its pipes) wrote is in.
  const outputClosed = pipes ? Promise.all([closed(stdout), closed(stderr)]) : closed(child);
  try {
    await once(child, 'spawn');
  } catch (error) {
    orphanDrain?.stop();
    stdout.destroy();
    stderr.destroy();
    return err({ reason: 'spawn-failed', executable, message: messageOf(error) });
  }
  const pid = child.pid!;
  stdout.on('data', (chunk: Buffer) => options.ctx.output('stdout', chunk));
  stderr.on('data', (chunk: Buffer) => options.ctx.output('stderr', chunk));
  // A read error on a pipe ends that stream; it must not take devenv down.
  if (pipes) for (const stream of [stdout, stderr]) stream.on('error', () => undefined);

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      // The leader is gone; helpers it left in its group would be orphans: take them down too.
      signalGroup(pid, 'SIGKILL');
      orphanDrain?.stop();
      // Output still in the pipes belongs to this run: settle once both are drained (or soon).
      const drained = setTimeout(() => resolve({ code, signal }), PIPE_DRAIN_MS);
      void outputClosed.then(() => {
        clearTimeout(drained);
        resolve({ code, signal });
      });
    });
  });

  return ok({
    pid,
    containerId: undefined,
    leftover: { kind: 'process-group', pgid: pid, startTicks: await processStartTicks(pid) },
    exited,
    ...groupControls(pid, exited, options.ctx.stopSignal ?? 'SIGTERM'),
  });
}

/** Stop, kill, pause and unpause of a running process group. */
function groupControls(
  pid: number,
  exited: Promise<ExitStatus>,
  stopSignal: NodeJS.Signals,
): Pick<ServiceHandle, 'stop' | 'signal' | 'pause' | 'unpause'> {
  let stopping: Promise<ExitStatus> | undefined;
  let paused = false;
  const send = (signal: NodeJS.Signals): Promise<Result<void, string>> =>
    Promise.resolve(signalGroup(pid, signal) ? ok(undefined) : err(`process group ${pid} is gone`));
  return {
    stop: (graceMs) => {
      stopping ??= (async () => {
        signalGroup(pid, stopSignal);
        // A stopped process keeps a handled signal pending until it runs again.
        if (paused) signalGroup(pid, 'SIGCONT');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        const status = await exited;
        clearTimeout(timer);
        await waitForGroupGone(pid);
        return status;
      })();
      return stopping;
    },
    signal: send,
    pause: async () => {
      const sent = await send('SIGSTOP');
      paused ||= sent.ok;
      return sent;
    },
    unpause: () => {
      paused = false;
      return send('SIGCONT');
    },
  };
}

/** Resolves on 'close' and never rejects (unlike events.once, which rejects on 'error'). */
function closed(emitter: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => emitter.once('close', () => resolve()));
}

async function waitForGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && groupExists(pgid); i++) {
    signalGroup(pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 10));
  }
}
