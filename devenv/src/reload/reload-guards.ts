import type { EngineState } from '../engine/service-state.js';
import type { ServiceSpec, Stack } from '../model/stack.js';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { startGuardServer, type GuardServer } from './guard-server.js';

const GUARD_TIMEOUT_MS = 120_000;

/** The environment a service's guard runs in: the service's own, as its process would see it. */
function guardEnv(spec: ServiceSpec): NodeJS.ProcessEnv {
  return { ...process.env, ...spec.environment, ...spec.devenv.native?.environment };
}

/** Runs a service's reload guard once; what it printed explains a failure. */
async function runReloadGuard(spec: ServiceSpec | undefined): Promise<Result<void, string>> {
  const guard = spec?.devenv.reloadGuard;
  const [command, ...args] = guard?.command ?? [];
  if (!spec || !guard || command === undefined) return ok(undefined);
  const outcome = await runCommand(command, args, {
    cwd: guard.cwd,
    env: guardEnv(spec),
    timeoutMs: GUARD_TIMEOUT_MS,
  });
  return outcome.code === 0 ? ok(undefined) : err(describeOutcome(outcome));
}

export interface ReloadGuards {
  /** Checks the service's pending change against its running executions. */
  check(service: string): Promise<Result<void, string>>;
  close(): void;
}

/**
 * Each service's reload guard: a warm server (`reload_guard.serve`) or a process per check.
 * A guard that serves warms up once its service is healthy: early enough for the first save,
 * and not while the stack starts, when its ~0.7 s of CPU would slow every service down.
 */
export function startReloadGuards(
  stack: Stack,
  engine: {
    getState(): EngineState;
    subscribe(listener: (state: EngineState) => void): () => void;
  },
): ReloadGuards {
  const servers = new Map<string, GuardServer>();
  // Replicas run the same code: one guard serves them all, warmed once the first is healthy.
  const serviceOf = (name: string) =>
    stack.services[name]?.replicaOf?.service ??
    (stack.services[name] ? name : name.replace(/-\d+$/, ''));
  const warmWith = new Map<string, string>();
  for (const name of stack.startOrder) {
    const spec = stack.services[name];
    const guard = spec?.devenv.reloadGuard;
    if (!spec || !guard?.serve || servers.has(serviceOf(name))) continue;
    warmWith.set(serviceOf(name), name);
    servers.set(
      serviceOf(name),
      startGuardServer({
        command: guard.command,
        cwd: guard.cwd,
        env: guardEnv(spec),
        warmNow: false,
      }),
    );
  }
  const warm = (state: EngineState) => {
    for (const [name, server] of servers)
      if (state.services[warmWith.get(name) ?? name]?.phase === 'healthy') server.warm();
  };
  const stopWarming = servers.size > 0 ? engine.subscribe(warm) : () => {};
  warm(engine.getState());
  return {
    check: (service) =>
      servers.get(serviceOf(service))?.check(GUARD_TIMEOUT_MS) ??
      runReloadGuard(stack.services[service]),
    close: () => {
      stopWarming();
      for (const server of servers.values()) server.close();
    },
  };
}
