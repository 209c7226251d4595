/**
 * Pure: the figures `docker stats` prints, from one answer of the Engine's
 * GET /containers/{id}/stats?stream=false (which carries the reading before it, precpu_stats),
 * computed as the docker CLI computes them. A field the Engine left out is null.
 */
export interface ContainerFigures {
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly memoryLimitBytes: number | null;
  readonly pids: number | null;
  readonly netIO: { readonly rxBytes: number; readonly txBytes: number } | null;
  readonly blockIO: { readonly readBytes: number; readonly writeBytes: number } | null;
}

type Json = Readonly<Record<string, unknown>>;

export function containerFigures(stats: unknown): ContainerFigures {
  const root = objectOf(stats);
  const memory = objectOf(root['memory_stats']);
  const usage = numberOf(memory['usage']);
  const detail = objectOf(memory['stats']);
  // Page cache is not the container's own memory: cgroup v2 calls it inactive_file, v1 total_inactive_file.
  const cache = numberOf(detail['inactive_file']) ?? numberOf(detail['total_inactive_file']) ?? 0;
  return {
    cpuPercent: cpuPercentOf(objectOf(root['cpu_stats']), objectOf(root['precpu_stats'])),
    memoryBytes: usage === null ? null : Math.max(0, usage - (cache < usage ? cache : 0)),
    memoryLimitBytes: numberOf(memory['limit']),
    pids: numberOf(objectOf(root['pids_stats'])['current']),
    netIO: netIOOf(root['networks']),
    blockIO: blockIOOf(objectOf(root['blkio_stats'])['io_service_bytes_recursive']),
  };
}

function cpuPercentOf(now: Json, before: Json): number | null {
  const total = (s: Json) => numberOf(objectOf(s['cpu_usage'])['total_usage']);
  const [usedNow, usedBefore] = [total(now), total(before)];
  const [systemNow, systemBefore] = [
    numberOf(now['system_cpu_usage']),
    numberOf(before['system_cpu_usage']),
  ];
  if (usedNow === null || systemNow === null) return null;
  // No reading before this one (the container just started): no window to measure over yet.
  if (usedBefore === null || systemBefore === null) return 0;
  const percpu = objectOf(now['cpu_usage'])['percpu_usage'];
  const cpus = numberOf(now['online_cpus']) ?? (Array.isArray(percpu) ? percpu.length : 1);
  const used = usedNow - usedBefore;
  const system = systemNow - systemBefore;
  return used > 0 && system > 0 ? (used / system) * cpus * 100 : 0;
}

function netIOOf(networks: unknown): ContainerFigures['netIO'] {
  if (typeof networks !== 'object' || networks === null) return null;
  let rxBytes = 0;
  let txBytes = 0;
  for (const network of Object.values(networks as Json)) {
    rxBytes += numberOf(objectOf(network)['rx_bytes']) ?? 0;
    txBytes += numberOf(objectOf(network)['tx_bytes']) ?? 0;
  }
  return { rxBytes, txBytes };
}

function blockIOOf(entries: unknown): ContainerFigures['blockIO'] {
  if (!Array.isArray(entries)) return { readBytes: 0, writeBytes: 0 };
  let readBytes = 0;
  let writeBytes = 0;
  for (const entry of entries) {
    const op = String(objectOf(entry)['op']).toLowerCase();
    const value = numberOf(objectOf(entry)['value']) ?? 0;
    if (op === 'read') readBytes += value;
    else if (op === 'write') writeBytes += value;
  }
  return { readBytes, writeBytes };
}

function objectOf(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
