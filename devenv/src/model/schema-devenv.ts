import { z } from 'zod';
import { TOOL_IDS } from '../versions/tool-ids.js';
import {
  DEFAULT_GROUP,
  DEFAULT_PROBE_HOST,
  DEFAULT_TEMPORAL_ADDRESS,
  DEFAULT_TEMPORAL_NAMESPACE,
  PROBE_DEFAULTS,
  PROBE_KINDS,
  PROBE_SETTING_KEYS,
} from './schema-defaults.js';
import { argv, duration, integer, keyedSchema, portNumber, url } from './schema-fields.js';
import type { ProbeCheck } from './stack.js';

const checks = {
  tcp: z.union(
    [
      z.number().int(),
      z.strictObject({ host: z.string().default(DEFAULT_PROBE_HOST), port: portNumber }),
    ],
    { error: 'expected a port number or {host, port}' },
  ),
  http: z.union([url, z.strictObject({ url, status: integer.optional() })], {
    error: 'expected a URL or {url, status}',
  }),
  exec: z.union([argv, z.strictObject({ command: argv })], {
    error: 'expected a command or {command}',
  }),
  grpc: z.union(
    [z.string(), z.strictObject({ address: z.string(), service: z.string().default('') })],
    {
      error: 'expected an address or {address, service}',
    },
  ),
  temporal: z.union(
    [
      z.string(),
      z.strictObject({
        address: z.string().default(DEFAULT_TEMPORAL_ADDRESS),
        namespace: z.string().default(DEFAULT_TEMPORAL_NAMESPACE),
      }),
    ],
    { error: 'expected an address or {address, namespace}' },
  ),
  postgres: z.union([url, z.strictObject({ url })], {
    error: 'expected a postgres:// URL or {url}',
  }),
};

const probe = z
  .looseObject({
    period: duration.default(PROBE_DEFAULTS.periodMs),
    timeout: duration.default(PROBE_DEFAULTS.timeoutMs),
    failure_threshold: integer
      .refine((n) => n >= 1, 'expected at least 1')
      .default(PROBE_DEFAULTS.failureThreshold),
    start_timeout: duration.default(PROBE_DEFAULTS.startTimeoutMs),
    // Like a Kubernetes liveness probe: a service that stops answering is restarted. false keeps
    // it running as unhealthy (a readiness-only probe).
    restart_unhealthy: z.boolean({ error: 'expected true or false' }).default(true),
    tcp: checks.tcp.optional(),
    http: checks.http.optional(),
    exec: checks.exec.optional(),
    grpc: checks.grpc.optional(),
    temporal: checks.temporal.optional(),
    postgres: checks.postgres.optional(),
  })
  .superRefine((value, ctx) => {
    const expected = `expected one of ${PROBE_KINDS.join(', ')}`;
    const known = new Set<string>([...PROBE_KINDS, ...PROBE_SETTING_KEYS]);
    for (const key of Object.keys(value))
      if (!known.has(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown probe kind '${key}'; ${expected}`,
          params: { at: 'key', hint: `or a probe setting: ${PROBE_SETTING_KEYS.join(', ')}` },
        });
    const kinds = PROBE_KINDS.filter((kind) => value[kind] !== undefined);
    if (kinds.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: `the probe has no check; ${expected}`,
        params: { at: 'key' },
      });
    if (kinds.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [kinds[1] ?? ''],
        message: `the probe has more than one check (${kinds.join(', ')}); keep one`,
        params: { at: 'key' },
      });
  })
  .transform((value) => ({
    check: toCheck(value),
    periodMs: value.period,
    timeoutMs: value.timeout,
    failureThreshold: value.failure_threshold,
    startTimeoutMs: value.start_timeout,
    restartUnhealthy: value.restart_unhealthy,
  }));

type Checks = { [K in keyof typeof checks]?: z.output<(typeof checks)[K]> | undefined };

function toCheck(value: Checks): ProbeCheck {
  const { tcp, http, exec, grpc, temporal, postgres } = value;
  if (tcp !== undefined)
    return typeof tcp === 'number'
      ? { kind: 'tcp', host: DEFAULT_PROBE_HOST, port: tcp }
      : { kind: 'tcp', host: tcp.host, port: tcp.port };
  if (http !== undefined)
    return typeof http === 'string'
      ? { kind: 'http', url: http, expectStatus: undefined }
      : { kind: 'http', url: http.url, expectStatus: http.status };
  if (exec !== undefined)
    return { kind: 'exec', command: Array.isArray(exec) ? exec : exec.command };
  if (grpc !== undefined)
    return typeof grpc === 'string'
      ? { kind: 'grpc', address: grpc, service: '' }
      : { kind: 'grpc', ...grpc };
  if (temporal !== undefined)
    return typeof temporal === 'string'
      ? { kind: 'temporal', address: temporal, namespace: DEFAULT_TEMPORAL_NAMESPACE }
      : { kind: 'temporal', ...temporal };
  if (postgres !== undefined)
    return { kind: 'postgres', url: typeof postgres === 'string' ? postgres : postgres.url };
  // Unreachable after superRefine; a harmless placeholder keeps the transform total.
  return { kind: 'exec', command: [] };
}

const native = z.strictObject({
  command: argv,
  tool: z.enum(TOOL_IDS).optional(),
  requires: z.array(z.enum(TOOL_IDS)).default([]),
  cwd: z.string().optional(),
  environment: keyedSchema.optional(),
});

/** A check that must pass before devenv restarts the service for changes under `paths`. */
const reloadGuard = z.strictObject({
  command: argv,
  paths: z.array(z.string().min(1)).min(1, 'name at least one path the guard covers'),
  cwd: z.string().optional(),
  /** The command stays up and answers a JSON line per "check" line (devenv/src/reload/guard-server.ts). */
  serve: z.boolean().default(false),
});

/**
 * Changes under `paths` are applied inside the running service: devenv POSTs to `url` instead of
 * restarting it (devenv/src/reload/hot-swap.ts has what each answer means).
 */
const hotReload = z.strictObject({
  paths: z.array(z.string().min(1)).min(1, 'name at least one path the service reloads in place'),
  url: url.refine((text) => /^https?:\/\//i.test(text), 'expected an http(s) URL'),
});

export const devenvExtension = z.strictObject({
  native: native.optional(),
  probe: probe.optional(),
  reload_guard: reloadGuard.optional(),
  hot_reload: hotReload.optional(),
  group: z.string().min(1, 'expected a group name').default(DEFAULT_GROUP),
  optional: z.boolean().default(false),
  /** What the TUI's `o` opens for this service (a UI, docs); http(s) only. */
  url: url.refine((text) => /^https?:\/\//i.test(text), 'expected an http(s) URL').optional(),
});

/** Keys x-devenv knows at a path below a service's `x-devenv`, for "unknown key" hints. */
export function devenvKnownKeys(tail: string): readonly string[] | undefined {
  if (tail === 'x-devenv') return Object.keys(devenvExtension.shape);
  if (tail === 'x-devenv.native') return Object.keys(native.shape);
  if (tail === 'x-devenv.reload_guard') return Object.keys(reloadGuard.shape);
  if (tail === 'x-devenv.hot_reload') return Object.keys(hotReload.shape);
  return undefined;
}
