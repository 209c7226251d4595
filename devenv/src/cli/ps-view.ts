import { err, ok, type Result } from '../../shared/result.js';
import type { ServiceState } from '../engine/service-state.js';

/** The container states `docker compose ps --status` takes, in the order its help lists them. */
export const COMPOSE_STATES = [
  'paused',
  'restarting',
  'removing',
  'running',
  'dead',
  'created',
  'exited',
] as const;
export type ComposeState = (typeof COMPOSE_STATES)[number];

/**
 * A service's state in the words of a container's: the one mapping `ps --status`, the State
 * field and the default selection use. Nothing devenv runs is ever `removing` or `dead` (no
 * container removal is shown, none fails to be removed), so those two match nothing.
 */
export function composeStateOf(
  s: Pick<ServiceState, 'phase' | 'paused' | 'nextStartAt' | 'lastExit'>,
): ComposeState {
  // Older state files lack the field.
  if (s.paused === true) return 'paused';
  // A stopping service's process still runs until its stop signal takes effect, as a container's.
  switch (s.phase) {
    case 'starting':
    case 'healthy':
    case 'unhealthy':
    case 'stopping':
      return 'running';
    case 'crashed':
      // A restart is scheduled: what the Engine reports for a container its policy restarts.
      return s.nextStartAt !== undefined ? 'restarting' : 'exited';
    case 'completed':
      return 'exited';
    case 'stopped':
      // Stopped before it ever ran: a container created and never started stays `created`.
      return s.lastExit !== undefined ? 'exited' : 'created';
    // Waiting to start, or unable to here: a container whose command cannot start stays `created`.
    case 'pending':
    case 'blocked':
    case 'unavailable':
      return 'created';
  }
}

/** What `docker ps` lists without `-a`: containers with a live process (paused and restarting too). */
export function isListedByDefault(state: ComposeState): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

/**
 * `--status S` (repeatable) and `--filter status=S` read into the states they select; an unknown
 * state or filter is a message naming what is accepted.
 */
export function parseStatusFilters(
  statuses: readonly string[],
  filters: readonly string[],
): Result<readonly ComposeState[], string> {
  const wanted: string[] = [...statuses];
  for (const filter of filters) {
    const eq = filter.indexOf('=');
    if (eq < 0) return err(`--filter ${filter}: expected KEY=VALUE, such as status=running`);
    const key = filter.slice(0, eq);
    if (key !== 'status')
      return err(`--filter ${filter}: unknown filter ${key}; ps filters by status only`);
    wanted.push(filter.slice(eq + 1));
  }
  const selected: ComposeState[] = [];
  for (const status of wanted) {
    const known = COMPOSE_STATES.find((s) => s === status);
    if (known === undefined)
      return err(
        `unknown status "${status}"; valid statuses: ${COMPOSE_STATES.join(', ')} (devenv ps -a shows each service's)`,
      );
    if (!selected.includes(known)) selected.push(known);
  }
  return ok(selected);
}

/** A port a running instance is reached on, with Compose's field names. */
export interface Publisher {
  readonly URL: string;
  readonly TargetPort: number;
  readonly PublishedPort: number;
  readonly Protocol: string;
}

/**
 * One instance as `docker compose ps --format json` prints a container (Compose's fields, those
 * devenv knows), and devenv's own: Phase, Pid, Reason, Restarts, Runtime, Uptime.
 */
export interface PsRow {
  readonly Command: string;
  readonly ExitCode: number;
  readonly Health: string;
  /** The container's id; natively the pid, which leads the service's process group. */
  readonly ID: string;
  readonly Image: string;
  /** The instance: the service, or its replica `SERVICE-N`. */
  readonly Name: string;
  /** devenv's phase (`paused` while paused), as the TUI shows it. */
  readonly Phase: string;
  readonly Pid: number | null;
  readonly Ports: string;
  readonly Project: string;
  readonly Publishers: readonly Publisher[];
  readonly Reason: string;
  readonly Restarts: number;
  readonly RunningFor: string;
  readonly Runtime: string;
  readonly Service: string;
  readonly State: ComposeState;
  readonly Status: string;
  /** Seconds since the current run started ("35s"); empty when nothing runs. */
  readonly Uptime: string;
}

/** Every field a template may name, with its table heading (Compose's where it has one). */
export const PS_FIELDS: Readonly<Record<keyof PsRow, string>> = {
  Command: 'COMMAND',
  ExitCode: 'EXIT CODE',
  Health: 'HEALTH',
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Name: 'NAME',
  Phase: 'PHASE',
  Pid: 'PID',
  Ports: 'PORTS',
  Project: 'PROJECT',
  Publishers: 'PUBLISHERS',
  Reason: 'REASON',
  Restarts: 'RESTARTS',
  RunningFor: 'CREATED',
  Runtime: 'RUNTIME',
  Service: 'SERVICE',
  State: 'STATE',
  Status: 'STATUS',
  Uptime: 'UPTIME',
};

/** Which rows are shown: Compose's rules for -a, --status and SERVICE arguments. */
export interface Selection {
  readonly all: boolean;
  readonly statuses: readonly ComposeState[];
  /** Services (or instances) named on the command line; empty: all. */
  readonly services: readonly string[];
  /** false: only instances of services the Compose file declares (`--orphans=false`). */
  readonly orphans: boolean;
}

/**
 * The rows shown, and the ones left out only because they do not run (for the default table's
 * note). As Compose: without -a only running, paused and restarting ones; --status selects from
 * all of them.
 */
export function selectRows(
  rows: readonly PsRow[],
  declared: (row: PsRow) => boolean,
  selection: Selection,
): { readonly shown: PsRow[]; readonly notRunning: PsRow[] } {
  const shown: PsRow[] = [];
  const notRunning: PsRow[] = [];
  for (const row of rows) {
    if (
      selection.services.length > 0 &&
      !selection.services.includes(row.Service) &&
      !selection.services.includes(row.Name)
    )
      continue;
    if (!selection.orphans && !declared(row)) continue;
    if (selection.statuses.length > 0) {
      if (selection.statuses.includes(row.State)) shown.push(row);
    } else if (selection.all || isListedByDefault(row.State)) shown.push(row);
    else notRunning.push(row);
  }
  return { shown, notRunning };
}

/** `--services`: each service once, in the order its first instance comes. */
export function serviceNames(rows: readonly PsRow[]): string[] {
  return [...new Set(rows.map((row) => row.Service))];
}

/** `-q`: each instance's id (give it rows with whole ids, as Compose prints them); none without a process. */
export function quietIds(rows: readonly PsRow[]): string[] {
  return rows.map((row) => row.ID).filter((id) => id !== '');
}
