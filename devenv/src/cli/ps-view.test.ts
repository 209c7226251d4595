import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import {
  initialEngineState,
  initialServiceState,
  type EngineState,
  type ServiceState,
} from '../engine/service-state.js';
import type { Stack } from '../model/stack.js';
import { jsonLine, notRunningNote, parsePsFormat, renderRows } from './ps-format.js';
import { humanDuration, psRows } from './ps-row.js';
import {
  composeStateOf,
  parseStatusFilters,
  quietIds,
  selectRows,
  serviceNames,
  type ComposeState,
  type PsRow,
} from './ps-view.js';

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const exit = (code: number | null, signal: string | null = null, agoMs = 5_000) => ({
  code,
  signal,
  at: NOW - agoMs,
});

describe('composeStateOf: devenv phases as container states', () => {
  const cases: [string, Partial<ServiceState>, ComposeState][] = [
    ['pending: waits to start', { phase: 'pending' }, 'created'],
    ['blocked: a dependency cannot run', { phase: 'blocked' }, 'created'],
    ['unavailable: cannot start here', { phase: 'unavailable' }, 'created'],
    ['starting', { phase: 'starting' }, 'running'],
    ['healthy', { phase: 'healthy' }, 'running'],
    ['unhealthy', { phase: 'unhealthy' }, 'running'],
    ['stopping: the process still runs', { phase: 'stopping' }, 'running'],
    ['paused while healthy', { phase: 'healthy', paused: true }, 'paused'],
    ['paused while starting', { phase: 'starting', paused: true }, 'paused'],
    [
      'crashed, restart scheduled',
      { phase: 'crashed', nextStartAt: NOW, lastExit: exit(1) },
      'restarting',
    ],
    ['crashed for good', { phase: 'crashed', lastExit: exit(1) }, 'exited'],
    ['completed', { phase: 'completed', lastExit: exit(0) }, 'exited'],
    ['stopped after running', { phase: 'stopped', lastExit: exit(null, 'SIGTERM') }, 'exited'],
    ['stopped before it ever ran', { phase: 'stopped' }, 'created'],
  ];
  it.each(cases)('%s', (_, fields, expected) => {
    expect(composeStateOf({ ...initialServiceState('x'), ...fields })).toBe(expected);
  });
  it('an older state file without `paused` reads as not paused', () => {
    const old = { ...initialServiceState('x'), phase: 'healthy' } as Record<string, unknown>;
    delete old['paused'];
    expect(composeStateOf(old as unknown as ServiceState)).toBe('running');
  });
});

describe('parseStatusFilters', () => {
  it('takes --status and --filter status=, each state once', () => {
    expect(parseStatusFilters(['running', 'exited'], ['status=running'])).toEqual({
      ok: true,
      value: ['running', 'exited'],
    });
  });
  it('an unknown status is refused, listing the valid ones', () => {
    const result = parseStatusFilters(['healthy'], []);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBe(
      'unknown status "healthy"; valid statuses: paused, restarting, removing, running, dead, created, exited (devenv ps -a shows each service\'s)',
    );
    expect(parseStatusFilters([], ['status=stopped']).ok).toBe(false);
  });
  it('a malformed or other filter is refused', () => {
    expect(parseStatusFilters([], ['status'])).toMatchObject({ ok: false, error: /KEY=VALUE/ });
    expect(parseStatusFilters([], ['name=x'])).toMatchObject({ ok: false, error: /status only/ });
  });
});

/** web (2 replicas, a port), db (docker, probed), job (completed), worker (crashed for good). */
function fixture(): { stack: Stack; state: EngineState } {
  const base = testStack('/p', {
    'web-1': { command: ['node', 'web.js'] },
    'web-2': { command: ['node', 'web.js'] },
    db: { command: ['postgres'], probe: { kind: 'tcp', host: '127.0.0.1', port: 5432 } },
    job: { command: ['true'] },
    worker: { command: ['node', 'worker.js', '--a-long-argument'] },
  });
  const port = {
    host: 8080,
    hostEnd: 8089,
    container: 80,
    hostIp: undefined,
    protocol: 'tcp' as const,
  };
  const stack: Stack = {
    ...base,
    projectName: 'demo',
    document: { services: { web: {}, db: {}, job: {}, worker: {} } },
    services: {
      ...base.services,
      'web-1': {
        ...base.services['web-1']!,
        ports: [port],
        replicaOf: { service: 'web', index: 1 },
      },
      'web-2': {
        ...base.services['web-2']!,
        ports: [port],
        replicaOf: { service: 'web', index: 2 },
      },
      db: {
        ...base.services['db']!,
        image: 'postgres:17',
        command: ['postgres', '-c', 'fsync=off'],
      },
    },
  };
  const order = ['db', 'web-1', 'web-2', 'web-3', 'job', 'worker', 'gone'];
  const running = (pid: number, startedAgoMs: number): Partial<ServiceState> => ({
    phase: 'healthy',
    runtime: 'native',
    pid,
    startedAt: NOW - startedAgoMs,
  });
  const services: Record<string, Partial<ServiceState>> = {
    db: {
      phase: 'starting',
      runtime: 'docker',
      containerId: 'f02a4efaabb67416e1ff127d51c4b5578634a0ad5743bd65225ff7d1909a3fa0',
      startedAt: NOW - 2_000,
    },
    'web-1': { ...running(101, 125_000), restarts: 2 },
    'web-2': { ...running(102, 3_000), paused: true },
    // Added by `devenv scale` after the file was loaded.
    'web-3': running(103, 1_000),
    job: { phase: 'completed', runtime: 'native', lastExit: exit(0, null, 61_000) },
    worker: {
      phase: 'crashed',
      runtime: 'native',
      lastExit: exit(null, 'SIGKILL'),
      reason: 'killed by SIGKILL',
      restarts: 5,
    },
    // No longer in the Compose file.
    gone: running(104, 10_000),
  };
  const state: EngineState = {
    ...initialEngineState(order),
    services: Object.fromEntries(
      order.map((n) => [n, { ...initialServiceState(n), ...services[n] }]),
    ),
  };
  return { stack, state };
}

function rows(truncate = true): PsRow[] {
  const { stack, state } = fixture();
  return psRows(state, stack, { now: NOW, truncate });
}
const byName = (list: readonly PsRow[]) => Object.fromEntries(list.map((r) => [r.Name, r]));

describe('psRows', () => {
  it("gives Compose's fields: replicas under their service, ids, states, statuses", () => {
    const r = byName(rows());
    expect(r['db']).toMatchObject({
      ID: 'f02a4efaabb6',
      Service: 'db',
      State: 'running',
      Health: 'starting',
      Status: 'Up 2 seconds (health: starting)',
      Image: 'postgres:17',
      // The container's command (its runtime is docker), cut at 20 characters as Compose does.
      Command: '"postgres -c fsync=…',
      Runtime: 'docker',
      Pid: null,
      Project: 'demo',
    });
    expect(r['web-1']).toMatchObject({
      ID: '101',
      Service: 'web',
      State: 'running',
      Health: '',
      Status: 'Up 2 minutes',
      Pid: 101,
      Restarts: 2,
      Ports: '127.0.0.1:8080->80/tcp',
      Uptime: '125s',
      RunningFor: '2 minutes ago',
    });
    // The i-th port of the range for replica i, natively.
    expect(r['web-2']).toMatchObject({
      State: 'paused',
      Phase: 'paused',
      Status: 'Up 3 seconds (Paused)',
      Publishers: [{ URL: '127.0.0.1', TargetPort: 80, PublishedPort: 8081, Protocol: 'tcp' }],
    });
    expect(r['web-3']).toMatchObject({ Service: 'web', Ports: '127.0.0.1:8082->80/tcp' });
    expect(r['job']).toMatchObject({
      State: 'exited',
      ExitCode: 0,
      Status: 'Exited (0) About a minute ago',
      ID: '',
      Publishers: [],
    });
    expect(r['worker']).toMatchObject({
      State: 'exited',
      ExitCode: 137,
      Status: 'Exited (137) 5 seconds ago',
      Reason: 'killed by SIGKILL',
      Command: '"node worker.js --a…',
    });
    expect(r['gone']).toMatchObject({ Service: 'gone', Image: '' });
  });
  it('--no-trunc keeps ids and commands whole', () => {
    const r = byName(rows(false));
    expect(r['db']!.ID).toHaveLength(64);
    expect(r['worker']!.Command).toBe('"node worker.js --a-long-argument"');
  });
});

describe('selectRows', () => {
  const { stack } = fixture();
  const declared = (row: PsRow) => row.Service !== 'gone';
  const select = (s: Partial<Parameters<typeof selectRows>[2]>) => {
    const picked = selectRows(rows(), declared, {
      all: false,
      statuses: [],
      services: [],
      orphans: true,
      ...s,
    });
    return {
      shown: picked.shown.map((r) => r.Name),
      notRunning: picked.notRunning.map((r) => r.Name),
    };
  };
  it('without -a: running and paused ones, the rest noted', () => {
    expect(stack.projectName).toBe('demo');
    expect(select({})).toEqual({
      shown: ['db', 'web-1', 'web-2', 'web-3', 'gone'],
      notRunning: ['job', 'worker'],
    });
  });
  it('-a: all of them', () => {
    expect(select({ all: true }).shown).toHaveLength(7);
  });
  it('--status selects among all, as Compose', () => {
    expect(select({ statuses: ['exited'] })).toEqual({ shown: ['job', 'worker'], notRunning: [] });
    expect(select({ statuses: ['paused', 'created'] }).shown).toEqual(['web-2']);
  });
  it('SERVICE arguments: a service (all its replicas) or one instance', () => {
    expect(select({ services: ['web'] }).shown).toEqual(['web-1', 'web-2', 'web-3']);
    expect(select({ services: ['web-2', 'db'] }).shown).toEqual(['db', 'web-2']);
  });
  it('--orphans=false leaves out services the file no longer declares', () => {
    expect(select({ orphans: false }).shown).not.toContain('gone');
  });
  it('--services names a replicated service once; -q prints ids, none for no process', () => {
    const picked = selectRows(rows(false), declared, {
      all: true,
      statuses: [],
      services: [],
      orphans: true,
    });
    expect(serviceNames(picked.shown)).toEqual(['db', 'web', 'job', 'worker', 'gone']);
    expect(quietIds(picked.shown)).toEqual([
      'f02a4efaabb67416e1ff127d51c4b5578634a0ad5743bd65225ff7d1909a3fa0',
      '101',
      '102',
      '103',
      '104',
    ]);
  });
});

describe('notRunningNote', () => {
  it('names each service the default table leaves out, with its phase and why', () => {
    const notRunning = rows().filter((r) => r.Name === 'job' || r.Name === 'worker');
    expect(notRunningNote(notRunning)).toEqual([
      '',
      'not running (devenv ps -a lists them):',
      '  job     completed',
      '  worker  crashed    killed by SIGKILL',
    ]);
    expect(notRunningNote([])).toEqual([]);
  });
});

describe('--format', () => {
  const format = (raw: string | undefined) => {
    const parsed = parsePsFormat(raw);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };
  const some = rows().filter((r) => r.Name === 'db' || r.Name === 'web-1');

  it('json: an object a line, keys sorted as Go marshals a map', () => {
    const lines = renderRows(some, format('json'));
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...Object.keys(first)].sort());
    expect(first).toMatchObject({ Name: 'db', Service: 'db', State: 'running', ExitCode: 0 });
    expect(jsonLine(some[0]!)).toBe(lines[0]);
  });
  it('a template: fields, \\t, {{json}}', () => {
    expect(renderRows(some, format('{{.Service}}:{{.State}}'))).toEqual([
      'db:running',
      'web:running',
    ]);
    expect(
      renderRows(some.slice(1), format('{{json .Publishers}} {{.Publishers}} {{.Pid}}')),
    ).toEqual([
      '[{"URL":"127.0.0.1","TargetPort":80,"PublishedPort":8080,"Protocol":"tcp"}] [{127.0.0.1 80 8080 tcp}] 101',
    ]);
    expect(renderRows(some.slice(0, 1), format('{{json .}}'))).toEqual([jsonLine(some[0]!)]);
    expect(renderRows(some.slice(0, 1), format('a {{- .Name -}} b'))).toEqual(['adbb']);
  });
  it("table TEMPLATE: Compose's headings, columns aligned as docker's tabwriter", () => {
    expect(renderRows(some, format('table {{.Name}}\\t{{.State}}\\t{{.ID}}'))).toEqual([
      'NAME      STATE     CONTAINER ID',
      'db        running   f02a4efaabb6',
      'web-1     running   101',
    ]);
  });
  it("the default table is devenv's: name, phase, pid, restarts, uptime, reason", () => {
    expect(renderRows(some, format(undefined))).toEqual([
      'NAME      PHASE      PID       RESTARTS   UPTIME    REASON',
      'db        starting             0          2s',
      'web-1     healthy    101       2          125s',
    ]);
    expect(format('table')).toEqual(format(undefined));
  });
  it('refuses what it cannot run, saying what it takes', () => {
    for (const [raw, message] of [
      ['{{.Nope}}', /no field \.Nope; fields: Command, ExitCode/],
      ['{{range .}}x{{end}}', /devenv ps takes \{\{\.Field\}\}/],
      ['{{.Name', /unclosed action/],
      ['yaml', /expected table, json, or a template/],
    ] as const) {
      const parsed = parsePsFormat(raw);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toMatch(message);
    }
  });
});

describe('humanDuration (go-units)', () => {
  it.each([
    [500, 'Less than a second'],
    [1_000, '1 second'],
    [59_000, '59 seconds'],
    [60_000, 'About a minute'],
    [3_599_000, '59 minutes'],
    [3_600_000, 'About an hour'],
    [47 * 3_600_000, '47 hours'],
    [3 * 86_400_000, '3 days'],
    [20 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ])('%i ms: %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});
