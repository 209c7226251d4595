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
      // Repeated events are one Event with a count: ordered by their first occurrence, the
      // pod's story reads in order (scheduled, pulled, started, back-off), not by the last repeat.
      at: String(
        e['firstTimestamp'] ??
          e['eventTime'] ??
          e['lastTimestamp'] ??
          field(e, 'metadata', 'creationTimestamp') ??
          '',
      ),
      text: `${String(e['type'] ?? '')} ${String(e['reason'] ?? '')}: ${String(e['message'] ?? '').trim()}${typeof e['count'] === 'number' && e['count'] > 1 ? ` (×${e['count']})` : ''}`,
    }))
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) => e.text);
}

const LOG_LINES = 30;
const NEVER_STARTED =
  /^waiting: (ContainerCreating|PodInitializing|ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName|CreateContainerConfigError|CreateContainerError)\b/;
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
      // A container that never started has no logs (the API answers with an error saying so);
      // why it did not start (an image pull error, a missing Secret) is in its state and events.
      if (container.restarts === 0 && NEVER_STARTED.test(container.state)) continue;
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

/** One pod's block of `collectDiagnostics` as last seen, and whether it shows a failure. */
export interface PodSight {
  readonly block: string;
  /** HH:MM:SS of the look. */
  readonly at: string;
  /** Which look it was: 1, 2, … */
  readonly look: number;
  /** 2: crashed or cannot start; 1: Warning events (a failing probe); 0: starting, it seems. */
  readonly severity: 0 | 1 | 2;
}

/**
 * Adds one look's `collectDiagnostics` text to the sights so far, pod by pod: a pod keeps its
 * latest block, and pods gone since (the failed revision's, after helm rolled back) keep their
 * last one. Pure.
 */
export function addSights(
  sights: ReadonlyMap<string, PodSight>,
  text: string,
  at: string,
): Map<string, PodSight> {
  const next = new Map(sights);
  const look = Math.max(0, ...[...sights.values()].map((s) => s.look)) + 1;
  for (const block of text.split(/\n(?=pod )/)) {
    const name = /^pod (\S+) \(/.exec(block)?.[1];
    if (name !== undefined) next.set(name, { block, at, look, severity: severityOf(block) });
  }
  return next;
}

/**
 * 2 for a crash (restarts, a terminated container) or a container that cannot start (an image
 * pull error); 1 for Warning events alone (a failing probe, a failed mount: also what a pod that
 * is starting shows for a while); 0 for a pod that is merely starting.
 */
function severityOf(block: string): 0 | 1 | 2 {
  const header = block.split('\n')[0] ?? '';
  if (
    /, \d+ restarts|waiting: (?!ContainerCreating|PodInitializing)|terminated: (?!Completed)/.test(
      header,
    )
  )
    return 2;
  return /^ {4}Warning /m.test(block) ? 1 : 0;
}

/**
 * What the failure report shows: the pods seen failing worst, each as last seen (even when the
 * last look no longer had it), so a crashing pod is not drowned by the others' start-up probe
 * warnings; with no failure at all, the pods of the last look. '' when nothing was troubled. Pure.
 */
export function describeSights(sights: ReadonlyMap<string, PodSight>, note: string): string {
  const all = [...sights.values()];
  const worst = Math.max(0, ...all.map((s) => s.severity));
  const last = Math.max(0, ...all.map((s) => s.look));
  const shown = all.filter((s) => (worst > 0 ? s.severity === worst : s.look === last));
  return shown.map((s) => `${s.block}\n(as seen at ${s.at}, ${note})`).join('\n');
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
