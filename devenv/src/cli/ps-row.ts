import type { EngineState, ServiceState } from '../engine/service-state.js';
import { exitStatus } from '../control/events-derive.js';
import type { PortMapping, ServiceSpec, Stack } from '../model/stack.js';
import { composeStateOf, type ComposeState, type Publisher, type PsRow } from './ps-view.js';

/* One `devenv ps` row per instance: what the engine state and the Compose file say about it. */

export interface RowOptions {
  readonly now: number;
  /** Compose's default: container ids cut to 12 characters, commands to 20; `--no-trunc` keeps them whole. */
  readonly truncate: boolean;
}

/** The rows of a stack's instances, in start order. */
export function psRows(state: EngineState, stack: Stack, options: RowOptions): PsRow[] {
  const rows: PsRow[] = [];
  for (const name of state.order) {
    const s = state.services[name];
    if (s !== undefined) rows.push(psRow(s, instanceOf(stack, name), stack.projectName, options));
  }
  return rows;
}

/** What the Compose file says about an instance: its service, spec and replica number. */
export interface Instance {
  readonly service: string;
  readonly spec: ServiceSpec | undefined;
  readonly replica: number;
  /** Its service is declared in the file loaded now (Compose's orphans are not). */
  readonly declared: boolean;
}

/**
 * The service an instance belongs to: `x-2` is a replica of `x` (also one `devenv scale` added
 * after the file was loaded, which the loaded stack does not list); a name the file no longer
 * declares is its own service.
 */
export function instanceOf(stack: Stack, name: string): Instance {
  const declared = documentServiceNames(stack);
  const spec = stack.services[name];
  if (spec?.replicaOf !== undefined)
    return { service: spec.replicaOf.service, spec, replica: spec.replicaOf.index, declared: true };
  if (spec !== undefined || declared.has(name))
    return { service: name, spec, replica: 1, declared: true };
  const replica = /^(.+)-(\d+)$/.exec(name);
  if (replica !== null && declared.has(replica[1]!)) {
    const service = replica[1]!;
    const sibling = Object.values(stack.services).find((s) => s.replicaOf?.service === service);
    return { service, spec: sibling, replica: Number(replica[2]), declared: true };
  }
  return { service: name, spec: undefined, replica: 1, declared: false };
}

/** Per stack, once: `instanceOf` runs for every row and every name `ps` is given. */
const namesByStack = new WeakMap<Stack, ReadonlySet<string>>();

function documentServiceNames(stack: Stack): ReadonlySet<string> {
  const known = namesByStack.get(stack);
  if (known !== undefined) return known;
  const services = stack.document['services'];
  const names =
    typeof services === 'object' && services !== null && !Array.isArray(services)
      ? Object.keys(services)
      : [];
  const all = new Set([...names, ...Object.keys(stack.services)]);
  namesByStack.set(stack, all);
  return all;
}

export function psRow(
  s: ServiceState,
  instance: Instance,
  project: string,
  options: RowOptions,
): PsRow {
  const state = composeStateOf(s);
  const live = state === 'running' || state === 'paused';
  const spec = instance.spec;
  const native =
    s.runtime !== undefined ? s.runtime === 'native' : spec?.devenv.native !== undefined;
  const command = native
    ? (spec?.devenv.native?.command ?? [])
    : [...(spec?.entrypoint ?? []), ...(spec?.command ?? [])];
  const quoted = JSON.stringify(command.join(' '));
  const publishers = live && spec ? publishersOf(spec.ports, native, instance.replica) : [];
  const id =
    s.containerId !== undefined
      ? options.truncate
        ? s.containerId.slice(0, 12)
        : s.containerId
      : s.pid !== undefined
        ? String(s.pid)
        : '';
  const health = live ? healthOf(s, spec) : '';
  return {
    Command: options.truncate ? ellipsis(quoted, 20) : quoted,
    ExitCode: state === 'exited' && s.lastExit ? exitStatus(s.lastExit.code, s.lastExit.signal) : 0,
    Health: health,
    ID: id,
    Image: spec?.image ?? (spec?.build !== undefined ? `${project}-${instance.service}` : ''),
    Name: s.name,
    Phase: s.paused === true ? 'paused' : s.phase,
    Pid: s.pid ?? null,
    Ports: publishers
      .map((p) => `${p.URL}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}`)
      .join(', '),
    Project: project,
    Publishers: publishers,
    Reason: s.reason ?? '',
    Restarts: s.restarts,
    RunningFor: s.startedAt !== undefined ? `${humanDuration(options.now - s.startedAt)} ago` : '',
    Runtime: s.runtime ?? '',
    Service: instance.service,
    State: state,
    Status: statusText(s, state, health, options.now),
    Uptime:
      live && s.startedAt !== undefined
        ? `${Math.max(0, Math.round((options.now - s.startedAt) / 1000))}s`
        : '',
  };
}

/**
 * Health as a container with a healthcheck reports it; empty for one without a probe (devenv
 * takes such a service as healthy once it runs, the Engine reports no health for it).
 */
function healthOf(s: ServiceState, spec: ServiceSpec | undefined): string {
  const probed =
    spec?.devenv.probe !== undefined ||
    spec?.healthcheck !== undefined ||
    s.lastProbe !== undefined;
  if (!probed) return '';
  if (s.phase === 'starting') return 'starting';
  if (s.phase === 'healthy' || s.phase === 'unhealthy') return s.phase;
  return '';
}

/** The Engine's status line: "Up 5 seconds (healthy)", "Exited (1) 2 minutes ago", "Created". */
function statusText(s: ServiceState, state: ComposeState, health: string, now: number): string {
  const since = (at: number | undefined) => humanDuration(now - (at ?? now));
  const exit = s.lastExit ? exitStatus(s.lastExit.code, s.lastExit.signal) : 0;
  switch (state) {
    case 'paused':
      return `Up ${since(s.startedAt)} (Paused)`;
    case 'running':
      if (health === 'starting') return `Up ${since(s.startedAt)} (health: starting)`;
      return `Up ${since(s.startedAt)}${health === '' ? '' : ` (${health})`}`;
    case 'restarting':
      return `Restarting (${exit}) ${since(s.lastExit?.at)} ago`;
    case 'exited':
      return `Exited (${exit}) ${since(s.lastExit?.at)} ago`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
  }
}

/**
 * The host ports an instance is known to be reached on: a fixed host port, natively the i-th
 * of a range for replica i (as `devenv port` reads them). A port the Engine picks is left out.
 */
function publishersOf(
  ports: readonly PortMapping[],
  native: boolean,
  replica: number,
): Publisher[] {
  const known: Publisher[] = [];
  for (const port of ports) {
    if (port.host === undefined) continue;
    if (port.hostEnd !== undefined && !native) continue;
    known.push({
      URL: port.hostIp ?? '127.0.0.1',
      TargetPort: port.container,
      PublishedPort: port.hostEnd === undefined ? port.host : port.host + replica - 1,
      Protocol: port.protocol,
    });
  }
  return known.sort((a, b) => a.TargetPort - b.TargetPort);
}

/** As docker's formatter.Ellipsis: at most `max` characters, the last one `…` when cut. */
function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** As go-units' HumanDuration, which the Engine's status and Compose's CREATED column use. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}
