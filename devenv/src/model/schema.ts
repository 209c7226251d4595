import { z } from 'zod';
import { TOOL_IDS } from '../versions/tool-ids.js';
import { parseDuration } from './duration.js';
import { parseLongPort, parseShortPort } from './ports.js';
import { splitShellWords } from './shell-words.js';
import type { PortMapping, ProbeCheck, ProbeKind } from './stack.js';
import { parseLongVolume, parseShortVolume, type VolumeEntry } from './volumes.js';

// Named defaults: the schema is the one place they are decided.

/** Compose's healthcheck defaults (Compose Specification, `healthcheck`). */
export const HEALTHCHECK_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
} as const;

/** Compose's default `stop_grace_period`. */
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

/**
 * x-devenv probe timing. Shorter than Compose's healthcheck defaults on purpose: in a dev loop a
 * second-level period makes "ready" show up as soon as it is true, and a minute is long enough
 * for Temporal's dev server or a cold Postgres to come up.
 */
/**
 * Probe timing for services that say nothing. While a service starts, devenv probes far more
 * often (from 50 ms, see the supervisor), so the period only sets how soon a hung, still-running
 * service is noticed; an exit is noticed at once without any probe.
 */
export const PROBE_DEFAULTS = {
  periodMs: 5_000,
  timeoutMs: 2_000,
  failureThreshold: 3,
  startTimeoutMs: 60_000,
} as const;

export const DEFAULT_GROUP = 'app';
export const DEFAULT_PROBE_HOST = '127.0.0.1';
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

export const PROBE_KINDS = [
  'tcp',
  'http',
  'exec',
  'grpc',
  'temporal',
  'postgres',
] as const satisfies readonly ProbeKind[];
const PROBE_SETTING_KEYS = [
  'period',
  'timeout',
  'failure_threshold',
  'start_timeout',
  'restart_unhealthy',
] as const;

export const DEPENDENCY_CONDITIONS = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
] as const;
export const WATCH_ACTIONS = ['sync', 'rebuild', 'sync+restart', 'restart', 'sync+exec'] as const;

/** Marks a custom issue that belongs on the key rather than on its value. */
export interface IssueParams {
  readonly at?: 'key';
  readonly hint?: string;
}

const duration = z
  .string({ error: 'expected a duration like 10s, 1m30s or 500ms' })
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({
      code: 'custom',
      message: parsed.error,
      params: { hint: 'write a duration like 10s, 1m30s or 500ms' },
    });
    return z.NEVER;
  });

/** An integer, also when interpolation made it a string (Compose casts those). */
const integer = z.union(
  [
    z.number().int(),
    z
      .string()
      .regex(/^\s*\d+\s*$/)
      .transform(Number),
  ],
  {
    error: 'expected a whole number',
  },
);

const portNumber = integer.refine((n) => n >= 1 && n <= 65_535, 'expected a port number 1-65535');

/** A string is split like a shell would (Compose does); a list is taken as argv. */
const argv = z
  .union([z.string(), z.array(z.union([z.string(), z.number()], { error: 'expected a string' }))], {
    error: 'expected a string or a list of strings',
  })
  .transform((value, ctx): string[] => {
    if (Array.isArray(value)) return value.map(String);
    const split = splitShellWords(value);
    if (split.ok) return split.value;
    ctx.addIssue({
      code: 'custom',
      message: split.error,
      params: { hint: 'write the command as a list, e.g. ["sh", "-c", "a && b"]' },
    });
    return z.NEVER;
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `environment`-like: a mapping (a null value means "take it from the environment") or `KEY=VAL` list. */
export const keyedSchema = z.union(
  [
    z.record(z.string(), scalar.nullable()),
    z.array(z.string({ error: 'expected a "KEY=VALUE" string' })),
  ],
  { error: 'expected a mapping KEY: VALUE or a list of "KEY=VALUE" strings' },
);

const port = z
  .union(
    [
      z.string(),
      z.number().int(),
      z.looseObject({
        target: integer,
        published: z.union([z.string(), z.number().int()]).optional(),
        host_ip: z.string().optional(),
        protocol: z.string().optional(),
      }),
    ],
    { error: 'expected "HOST:CONTAINER", a port number, or {target, published}' },
  )
  .transform((value, ctx): PortMapping[] => {
    const parsed = typeof value === 'object' ? parseLongPort(value) : parseShortPort(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  });

const volume = z
  .union(
    [
      z.string(),
      z.looseObject({
        type: z.string().optional(),
        source: z.string().optional(),
        target: z.string().optional(),
        read_only: z.boolean().optional(),
      }),
    ],
    { error: 'expected "SOURCE:TARGET[:ro]" or {type, source, target}' },
  )
  .transform((value, ctx): VolumeEntry => {
    const parsed = typeof value === 'string' ? parseShortVolume(value) : parseLongVolume(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  });

const dependencyOptions = z.looseObject({
  condition: z.enum(DEPENDENCY_CONDITIONS).default('service_started'),
  required: z.boolean().default(true),
  restart: z.boolean().default(false),
});

const dependsOn = z.union(
  [z.array(z.string()), z.record(z.string(), dependencyOptions.nullable())],
  { error: 'expected a list of service names or a mapping of service: {condition}' },
);

const healthcheck = z.looseObject({
  test: z
    .union([z.string(), z.array(z.string())], {
      error: 'expected a string or a list like ["CMD", …]',
    })
    .optional(),
  interval: duration.default(HEALTHCHECK_DEFAULTS.intervalMs),
  timeout: duration.default(HEALTHCHECK_DEFAULTS.timeoutMs),
  retries: integer.default(HEALTHCHECK_DEFAULTS.retries),
  start_period: duration.default(HEALTHCHECK_DEFAULTS.startPeriodMs),
  start_interval: duration.default(HEALTHCHECK_DEFAULTS.startIntervalMs),
  disable: z.boolean().default(false),
});

const restart = z
  .string()
  .regex(
    /^(no|always|unless-stopped|on-failure(:\d+)?)$/,
    'expected no, always, on-failure[:N] or unless-stopped',
  )
  // on-failure:N keeps only the policy; the retry limit is the supervisor's business.
  .transform(
    (value) => value.replace(/:\d+$/, '') as 'no' | 'always' | 'on-failure' | 'unless-stopped',
  );

const envFile = z.union(
  [
    z.string(),
    z.array(
      z.union(
        [z.string(), z.looseObject({ path: z.string(), required: z.boolean().default(true) })],
        {
          error: 'expected a path or {path, required}',
        },
      ),
    ),
  ],
  { error: 'expected a path or a list of paths' },
);

const watchRule = z.looseObject({
  path: z.string(),
  action: z.enum(WATCH_ACTIONS),
  target: z.string().optional(),
  ignore: z.array(z.string()).default([]),
});

const url = z.string().refine((text) => URL.canParse(text), 'expected a URL');

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

const devenvExtension = z.strictObject({
  native: native.optional(),
  probe: probe.optional(),
  reload_guard: reloadGuard.optional(),
  hot_reload: hotReload.optional(),
  group: z.string().min(1, 'expected a group name').default(DEFAULT_GROUP),
  optional: z.boolean().default(false),
  /** What the TUI's `o` opens for this service (a UI, docs); http(s) only. */
  url: url.refine((text) => /^https?:\/\//i.test(text), 'expected an http(s) URL').optional(),
});

/**
 * One service: the fields devenv reads are typed; everything else (networks, volumes, labels,
 * deploy, x-* …) passes through untouched, because it is valid Compose that devenv does not use.
 */
export const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z
    .union(
      [
        z.string(),
        z.looseObject({ context: z.string().optional(), dockerfile: z.string().optional() }),
      ],
      {
        error: 'expected a context path or {context, dockerfile}',
      },
    )
    .optional(),
  command: argv.nullish(),
  entrypoint: argv.nullish(),
  environment: keyedSchema.nullish(),
  env_file: envFile.nullish(),
  ports: z.array(port).nullish(),
  volumes: z.array(volume).nullish(),
  depends_on: dependsOn.nullish(),
  healthcheck: healthcheck.nullish(),
  profiles: z.array(z.string()).nullish(),
  restart: restart.default('no'),
  stop_grace_period: duration.default(DEFAULT_STOP_GRACE_PERIOD_MS),
  working_dir: z.string().nullish(),
  develop: z.looseObject({ watch: z.array(watchRule).nullish() }).nullish(),
  'x-devenv': devenvExtension.default({ group: DEFAULT_GROUP, optional: false }),
});

export type ServiceInput = z.output<typeof serviceSchema>;

export const composeSchema = z.looseObject({
  name: z.string().optional(),
  services: z.record(z.string(), serviceSchema.nullable()).optional(),
  volumes: z
    .record(
      z.string(),
      z.looseObject({ name: z.string().optional(), external: z.boolean().optional() }).nullable(),
    )
    .optional(),
});

export type ComposeInput = z.output<typeof composeSchema>;

/** Keys the schema knows at a strict path, for "unknown key" hints. */
export function knownKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  const tail = path.slice(2).map(String).join('.');
  if (path[0] !== 'services') return undefined;
  if (tail === 'x-devenv') return Object.keys(devenvExtension.shape);
  if (tail === 'x-devenv.native') return Object.keys(native.shape);
  if (tail === 'x-devenv.reload_guard') return Object.keys(reloadGuard.shape);
  if (tail === 'x-devenv.hot_reload') return Object.keys(hotReload.shape);
  return undefined;
}
