import type { KubeApi } from './kube-api.js';

/** A pod that is not (yet) well, and why, from the API's PodList. */
export interface TroubledPod {
  readonly name: string;
  readonly phase: string;
  readonly containers: readonly {
    readonly name: string;
    readonly restarts: number;
    /** `waiting: CrashLoopBackOff (back-off 10s…)`, `terminated: Error (exit 1)`, `running, not ready`. */
    readonly state: string;
  }[];
}

/**
 * The pods of a PodList that are not running with every container ready, plus those whose
 * containers restarted (a crash loop between two polls still looks Running). Pure.
 */
export function troubledPods(podListJson: string): TroubledPod[] {
  const list = parse(podListJson);
  const items = isRecord(list) && Array.isArray(list['items']) ? (list['items'] as unknown[]) : [];
  const troubled: TroubledPod[] = [];
  for (const pod of items.filter(isRecord)) {
    const name = field(pod, 'metadata', 'name');
    const status = isRecord(pod['status']) ? pod['status'] : {};
    const phase = typeof status['phase'] === 'string' ? status['phase'] : 'Unknown';
    if (typeof name !== 'string' || phase === 'Succeeded') continue;
    const statuses = [
      ...(Array.isArray(status['initContainerStatuses'])
        ? (status['initContainerStatuses'] as unknown[])
        : []),
      ...(Array.isArray(status['containerStatuses'])
        ? (status['containerStatuses'] as unknown[])
        : []),
    ].filter(isRecord);
    const containers = statuses.map((c) => ({
      name: typeof c['name'] === 'string' ? c['name'] : '?',
      restarts: typeof c['restartCount'] === 'number' ? c['restartCount'] : 0,
      ready: c['ready'] === true,
      state: describeState(c['state'], c['ready'] === true),
    }));
    const unwell =
      phase !== 'Running' ||
      containers.length === 0 ||
      containers.some(
        (c) => c.restarts > 0 || (!c.ready && !c.state.startsWith('terminated: Completed')),
      );
    if (unwell)
      troubled.push({
        name,
        phase,
        containers: containers.map(({ name: n, restarts, state }) => ({
          name: n,
          restarts,
          state,
        })),
      });
  }
  return troubled;
}

function describeState(state: unknown, ready: boolean): string {
  if (!isRecord(state)) return 'unknown';
  const waiting = state['waiting'];
  if (isRecord(waiting))
    return `waiting: ${String(waiting['reason'] ?? '?')}${typeof waiting['message'] === 'string' ? ` (${waiting['message']})` : ''}`;
  const terminated = state['terminated'];
  if (isRecord(terminated))
    return `terminated: ${String(terminated['reason'] ?? '?')} (exit ${String(terminated['exitCode'] ?? '?')})`;
  return ready ? 'running' : 'running, not ready';
}

/** `Warning BackOff: Back-off restarting failed container` lines of an EventList, oldest first. Pure. */
export function eventLines(eventListJson: string): string[] {
  const list = parse(eventListJson);
  const items = isRecord(list) && Array.isArray(list['items']) ? (list['items'] as unknown[]) : [];
  return items
    .filter(isRecord)
    .map((e) => ({
      at: String(
        e['lastTimestamp'] ?? e['eventTime'] ?? field(e, 'metadata', 'creationTimestamp') ?? '',
      ),
      text: `${String(e['type'] ?? '')} ${String(e['reason'] ?? '')}: ${String(e['message'] ?? '').trim()}${typeof e['count'] === 'number' && e['count'] > 1 ? ` (×${e['count']})` : ''}`,
    }))
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) => e.text);
}

const LOG_LINES = 30;
const EVENT_LINES = 15;

/**
 * Events and the last log lines of every troubled pod of a release, as one block of text; empty
 * when all pods are well. Reads only. Containers that restarted show the previous run's logs,
 * which hold the crash.
 */
export async function collectDiagnostics(
  api: KubeApi,
  namespace: string,
  release: string,
): Promise<string> {
  const ns = encodeURIComponent(namespace);
  const pods = await api.get(
    `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=${release}`)}`,
  );
  if (!pods.ok) return `(could not list the pods: ${pods.error})`;
  const blocks: string[] = [];
  for (const pod of troubledPods(pods.value)) {
    const lines = [
      `pod ${pod.name} (${pod.phase}): ${pod.containers.map((c) => `${c.name} ${c.state}${c.restarts > 0 ? `, ${c.restarts} restarts` : ''}`).join('; ') || 'no containers started'}`,
    ];
    const events = await api.get(
      `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${pod.name}`)}`,
    );
    const recent = events.ok
      ? eventLines(events.value).slice(-EVENT_LINES)
      : [`(events: ${events.error})`];
    lines.push('  events:', ...recent.map((l) => `    ${l}`));
    for (const container of pod.containers) {
      if (
        container.state.startsWith('waiting: ContainerCreating') ||
        container.state.startsWith('waiting: PodInitializing')
      )
        continue;
      const query = `container=${encodeURIComponent(container.name)}&tailLines=${LOG_LINES}${container.restarts > 0 ? '&previous=true' : ''}`;
      const log = await api.get(
        `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod.name)}/log?${query}`,
      );
      const text = log.ok ? log.value.trimEnd() : `(${log.error})`;
      if (text === '') continue;
      lines.push(
        `  logs of ${container.name}${container.restarts > 0 ? ' (previous run)' : ''}:`,
        ...text.split('\n').map((l) => `    ${l}`),
      );
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(object: Record<string, unknown>, outer: string, inner: string): unknown {
  const value = object[outer];
  return isRecord(value) ? value[inner] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
