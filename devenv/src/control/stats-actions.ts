import { totalmem } from 'node:os';
import type { EngineState, ServiceState } from '../engine/service-state.js';
import { cpuPercent } from '../runtime/group-usage.js';
import { containerFigures, type ContainerFigures } from './stats-docker.js';
import { readGroups } from './stats-native.js';
import type { StatsAnswer, StatsSample } from './stats-protocol.js';

/** CPU % needs two readings: this far apart, as a glance (docker stats --no-stream takes ~2 s). */
export const CPU_WINDOW_MS = 500;

/**
 * One sample of each running instance in `order`: a native one from /proc (its process group),
 * a container from the Engine's stats. Instances not running are left out, as `docker stats`
 * shows running containers only.
 */
export async function sampleStats(
  state: EngineState,
  order: readonly string[],
  project: string,
  serviceOf: (instance: string) => string,
  windowMs = CPU_WINDOW_MS,
): Promise<StatsAnswer> {
  const running = order
    .map((name) => state.services[name])
    .filter((s): s is ServiceState => s !== undefined && (s.containerId ?? s.pid) !== undefined);
  const natives = running.filter((s) => s.containerId === undefined).map((s) => s.pid!);
  const containers = running.flatMap((s) => (s.containerId === undefined ? [] : [s.containerId]));
  const docker = Promise.all(containers.map((id) => containerStats(id)));
  const first = await readGroups(natives);
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const second = await readGroups(natives);
  const elapsed = Date.now() - from;
  const figures = new Map((await docker).map((f, i) => [containers[i]!, f]));
  const samples = running.map((s): StatsSample => {
    const base = { name: s.name, service: serviceOf(s.name) };
    if (s.containerId !== undefined) {
      const f = figures.get(s.containerId);
      return { ...base, id: s.containerId, runtime: 'docker', ...(f ?? NO_FIGURES) };
    }
    const [a, b] = [first.get(s.pid!), second.get(s.pid!)];
    return {
      ...base,
      id: String(s.pid),
      runtime: 'native',
      cpuPercent: a && b ? cpuPercent(a.cpuTicks, b.cpuTicks, elapsed) : null,
      memoryBytes: b?.rssBytes ?? null,
      memoryLimitBytes: totalmem(),
      pids: b?.pids ?? null,
      netIO: null,
      blockIO: b?.blockIO ?? null,
    };
  });
  return { project, samples };
}

const NO_FIGURES: ContainerFigures = {
  cpuPercent: null,
  memoryBytes: null,
  memoryLimitBytes: null,
  pids: null,
  netIO: null,
  blockIO: null,
};

/** The Engine's one-shot stats of a container; no figures when it cannot be asked. */
async function containerStats(id: string): Promise<ContainerFigures> {
  try {
    const { default: Dockerode } = await import('dockerode');
    const stats: unknown = await new Dockerode().getContainer(id).stats({ stream: false });
    return containerFigures(stats);
  } catch {
    return NO_FIGURES;
  }
}
