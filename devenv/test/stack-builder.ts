import type { ProbeCheck, ServiceSpec, Stack } from '../src/model/stack.js';
import type { ToolId } from '../src/versions/tool-ids.js';

export interface TestService {
  readonly command: readonly string[];
  readonly dependsOn?: Readonly<Record<string, ServiceSpec['dependsOn'][string]['condition']>>;
  readonly probe?: ProbeCheck;
  readonly restart?: ServiceSpec['restart'];
  readonly optional?: boolean;
  readonly stopGracePeriodMs?: number;
  readonly startTimeoutMs?: number;
  readonly failureThreshold?: number;
  readonly restartUnhealthy?: boolean;
  /** Dependencies with Compose's `restart: true`: this service restarts when they do. */
  readonly restartWith?: readonly string[];
  /** The probe's period once ready (default 50 ms, so tests settle fast). */
  readonly probePeriodMs?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** Tools the native command needs from the toolchain (x-devenv.native.requires). */
  readonly requires?: readonly ToolId[];
}

/** A Stack built in code for engine tests, so they do not depend on the compose loader. */
export function testStack(dir: string, services: Readonly<Record<string, TestService>>): Stack {
  const specs: Record<string, ServiceSpec> = {};
  for (const [name, s] of Object.entries(services)) {
    specs[name] = {
      name,
      image: undefined,
      build: undefined,
      command: undefined,
      entrypoint: undefined,
      environment: s.environment ?? {},
      ports: [],
      volumes: [],
      dependsOn: Object.fromEntries(
        Object.entries(s.dependsOn ?? {}).map(([dep, condition]) => [
          dep,
          { condition, required: true, restart: s.restartWith?.includes(dep) ?? false },
        ]),
      ),
      healthcheck: undefined,
      profiles: [],
      restart: s.restart ?? 'no',
      stopGracePeriodMs: s.stopGracePeriodMs ?? 2_000,
      workingDir: undefined,
      watch: [],
      devenv: {
        native: {
          command: s.command,
          tool: undefined,
          requires: s.requires ?? [],
          cwd: dir,
          environment: {},
        },
        probe: s.probe
          ? {
              check: s.probe,
              periodMs: s.probePeriodMs ?? 50,
              timeoutMs: 1_000,
              failureThreshold: s.failureThreshold ?? 3,
              startTimeoutMs: s.startTimeoutMs ?? 20_000,
              restartUnhealthy: s.restartUnhealthy ?? true,
            }
          : undefined,
        reloadGuard: undefined,
        hotReload: undefined,
        group: 'app',
        optional: s.optional ?? false,
        url: undefined,
      },
    };
  }
  return {
    projectName: 'test',
    files: ['test'],
    projectDir: dir,
    services: specs,
    startOrder: topo(specs),
    document: {},
  };
}

function topo(specs: Record<string, ServiceSpec>): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dep of Object.keys(specs[name]?.dependsOn ?? {})) visit(dep);
    order.push(name);
  };
  Object.keys(specs).forEach(visit);
  return order;
}

/** A node one-liner as a service command. */
export function nodeService(script: string): readonly string[] {
  return [process.execPath, '-e', script];
}
