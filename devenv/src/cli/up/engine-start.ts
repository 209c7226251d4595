import { randomUUID } from 'node:crypto';
import type { PullOverride } from '../../runtime/docker-pull-policy.js';
import { join } from 'node:path';
import { createEngineController, type EngineController } from '../../engine/engine-controller.js';
import { createSupervisor, type RuntimeChoice } from '../../engine/supervisor.js';
import { runProbe } from '../../health/probe.js';
import { createFileSink, fileNameOf } from '../../logbus/file-sink.js';
import { createLogBus, type LogBus } from '../../logbus/log-bus.js';
import { createLokiSink } from '../../logbus/loki-sink.js';
import type { LogSink } from '../../logbus/log-sink.js';
import { lokiTargetOf } from '../../logbus/loki-target.js';
import { stackLogFiles } from '../../model/logging-files.js';
import type { Stack } from '../../model/stack.js';
import { lazyRuntime } from '../../runtime/lazy-runtime.js';
import { nativeRuntime } from '../../runtime/native.js';
import { readProcStatSync } from '../../runtime/proc-stat.js';
import { sessionPath, sessionRecorder } from '../../session/session-file.js';
import { withSessionToken } from '../../session/session-secret.js';
import type { Toolchain, ToolchainOptions } from '../../toolchain/toolchain.js';
import type { Versions } from '../../versions/versions-file.js';

export interface StartedEngine {
  readonly engine: EngineController;
  readonly bus: LogBus;
  readonly toolchain: Toolchain;
  /** Forgets the session file: the stack stopped cleanly, nothing is left to reap. */
  readonly closeSession: () => void;
  /** Aborts tool installs and image builds in flight (the supervisor does so as shutdown begins). */
  readonly inFlight: AbortController;
}

/**
 * The log bus with its sinks (files; Loki when the run has one or LOKI_URL is set), the
 * toolchain, the runtimes and the supervisor, behind the engine controller. Nothing starts yet.
 */
export async function startEngine(options: {
  readonly stack: Stack;
  readonly stateDir: string;
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly env: NodeJS.ProcessEnv;
  readonly secret: string;
  readonly runtimeFor: (service: string) => RuntimeChoice;
  /** `--pull`: over every service's pull_policy. */
  readonly pull?: PullOverride | undefined;
}): Promise<StartedEngine> {
  const { stack, stateDir } = options;
  const sessionId = randomUUID();
  const recorder = sessionRecorder(sessionPath(stateDir), {
    devenvPid: process.pid,
    sessionId,
    // Read synchronously: devenv's first asynchronous file read starts libuv's thread pool and
    // waits for its threads to run, which on a busy machine took ~18 ms before the first spawn.
    devenvStartTicks: readProcStatSync(process.pid)?.startTicks,
    projectName: stack.projectName,
    startedAt: Date.now(),
  });
  const logFiles = stackLogFiles(stack, (service) =>
    join(stateDir, 'logs', `${fileNameOf(service)}.log`),
  );
  const bus = createLogBus({ sinks: logSinks(stack, stateDir, options.env, logFiles.rotationOf) });
  for (const warning of logFiles.warnings) bus.append('devenv', 'devenv', warning);
  const inFlight = new AbortController();
  const toolchain = lazyToolchain({
    projectRoot: options.projectRoot,
    versions: options.versions,
    log: (line) => bus.append('devenv', 'devenv', line),
    signal: inFlight.signal,
  });
  const supervisor = createSupervisor({
    stack: withSessionToken(stack, options.secret),
    abort: inFlight,
    runtimes: {
      native: nativeRuntime(toolchain),
      docker: lazyRuntime('docker', async () =>
        (await import('../../runtime/docker.js')).dockerRuntime({
          projectName: stack.projectName,
          sessionId,
          projectDir: stack.projectDir,
          stateDir: options.stateDir,
          ...(options.pull ? { pull: options.pull } : {}),
        }),
      ),
    },
    runtimeFor: options.runtimeFor,
    prober: runProbe,
    log: bus,
    leftovers: recorder,
  });
  const engine = createEngineController({
    projectName: stack.projectName,
    stack,
    supervisor,
    bus,
  });
  return { engine, bus, toolchain, closeSession: () => recorder.close(), inFlight };
}

/**
 * The toolchain, loaded when a service first needs a tool: a stack of plain commands never loads
 * it, nor what it reads versions.lock.yaml with (yaml, zod).
 */
function lazyToolchain(options: ToolchainOptions): Toolchain {
  let loaded: Promise<Toolchain> | undefined;
  const toolchain = () =>
    (loaded ??= import('../../toolchain/toolchain.js').then((m) => m.createToolchain(options)));
  return {
    find: async (id) => (await toolchain()).find(id),
    ensure: async (id) => (await toolchain()).ensure(id),
  };
}

function logSinks(
  stack: Stack,
  stateDir: string,
  env: NodeJS.ProcessEnv,
  rotationOf: ReturnType<typeof stackLogFiles>['rotationOf'],
): LogSink[] {
  const sinks: LogSink[] = [createFileSink({ directory: join(stateDir, 'logs'), rotationOf })];
  const loki = lokiTargetOf(stack, env);
  // closeTimeoutMs: an optional Loki that never came up must not hold up Ctrl-C for long.
  if (loki)
    sinks.push(createLokiSink({ url: loki.url, project: stack.projectName, closeTimeoutMs: 2000 }));
  return sinks;
}
