import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STOP_GRACE_PERIOD_MS,
  HEALTHCHECK_DEFAULTS,
  PROBE_DEFAULTS,
  PROBE_KINDS,
  serviceSchema,
} from './schema.js';
import { problemsFromIssues } from './problem.js';

function probeOf(probe: unknown) {
  return serviceSchema.safeParse({ image: 'x', 'x-devenv': { probe } });
}

function problems(service: unknown): string[] {
  const parsed = serviceSchema.safeParse(service);
  if (parsed.success) return [];
  return problemsFromIssues(parsed.error.issues, service).map(
    (p) => `${p.at ?? 'value'} ${p.message}`,
  );
}

describe('schema defaults', () => {
  it('names Compose’s defaults and devenv’s probe defaults', () => {
    expect(HEALTHCHECK_DEFAULTS).toEqual({
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 5_000,
    });
    expect(DEFAULT_STOP_GRACE_PERIOD_MS).toBe(10_000);
    expect(PROBE_DEFAULTS).toEqual({
      periodMs: 5_000,
      timeoutMs: 2_000,
      failureThreshold: 3,
      startTimeoutMs: 60_000,
    });
  });
});

describe('x-devenv probe', () => {
  it.each([
    [{ tcp: 5432 }, { kind: 'tcp', host: '127.0.0.1', port: 5432 }],
    [{ tcp: { host: '::1', port: '5432' } }, { kind: 'tcp', host: '::1', port: 5432 }],
    [
      { http: 'http://127.0.0.1:9090/-/ready' },
      { kind: 'http', url: 'http://127.0.0.1:9090/-/ready', expectStatus: undefined },
    ],
    [{ exec: 'pg_isready -q' }, { kind: 'exec', command: ['pg_isready', '-q'] }],
    [{ exec: { command: ['true'] } }, { kind: 'exec', command: ['true'] }],
    [{ grpc: '127.0.0.1:7071' }, { kind: 'grpc', address: '127.0.0.1:7071', service: '' }],
    [{ temporal: {} }, { kind: 'temporal', address: '127.0.0.1:7233', namespace: 'default' }],
    [
      { postgres: 'postgres://u@127.0.0.1/db' },
      { kind: 'postgres', url: 'postgres://u@127.0.0.1/db' },
    ],
  ])('%j', (probe, check) => {
    const parsed = probeOf(probe);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.data['x-devenv'].probe?.check).toEqual(check);
  });

  it('reads timing and rejects unknown kinds at the key', () => {
    const parsed = probeOf({
      tcp: 1,
      period: '250ms',
      timeout: '1s',
      failure_threshold: 5,
      start_timeout: '2m',
    });
    expect(parsed.success && parsed.data['x-devenv'].probe).toMatchObject({
      periodMs: 250,
      timeoutMs: 1_000,
      failureThreshold: 5,
      startTimeoutMs: 120_000,
    });
    expect(problems({ image: 'x', 'x-devenv': { probe: { foo: {} } } })).toEqual([
      `key x-devenv.probe.foo: unknown probe kind 'foo'; expected one of ${PROBE_KINDS.join(', ')}`,
      `key x-devenv.probe: the probe has no check; expected one of ${PROBE_KINDS.join(', ')}`,
    ]);
    expect(problems({ image: 'x', 'x-devenv': { probe: { tcp: 1, http: 'http://x/' } } })).toEqual([
      'key x-devenv.probe.http: the probe has more than one check (tcp, http); keep one',
    ]);
  });

  it('reports wrong types with the user’s words', () => {
    expect(problems({ image: 5, ports: [true], 'x-devenv': { natve: {}, group: '' } })).toEqual([
      'value image: expected a string, got number 5',
      'value ports[0]: expected "HOST:CONTAINER", a port number, or {target, published}, got boolean true',
      'value x-devenv.group: expected a group name',
      'key unknown key "x-devenv.natve"',
    ]);
    expect(
      problems({
        image: 'x',
        command: ['a', false],
        healthcheck: { interval: '10', retries: 'many' },
      }),
    ).toEqual([
      'value command[1]: expected a string, got boolean false',
      'value healthcheck.interval: "10" has no unit',
      'value healthcheck.retries: expected a whole number, got "many"',
    ]);
    expect(problems({ image: 'x', 'x-devenv': { url: 'ftp://host/' } })).toEqual([
      'value x-devenv.url: expected an http(s) URL',
    ]);
    expect(problems({ image: 'x', 'x-devenv': { url: 'localhost:3000' } })).toEqual([
      'value x-devenv.url: expected an http(s) URL',
    ]);
    expect(
      problems({ image: 'x', 'x-devenv': { hot_reload: { paths: [], url: 'unix:/x', via: 1 } } }),
    ).toEqual([
      'value x-devenv.hot_reload.paths: name at least one path the service reloads in place',
      'value x-devenv.hot_reload.url: expected an http(s) URL',
      'key unknown key "x-devenv.hot_reload.via"',
    ]);
  });

  it('keeps fields devenv does not use', () => {
    const service = {
      image: 'x',
      networks: ['n'],
      deploy: { replicas: 2 },
      'x-anything': [1],
      labels: { a: 'b' },
    };
    const parsed = serviceSchema.safeParse(service);
    expect(parsed.success).toBe(true);
  });
});
