import { z } from 'zod';
import { TOOL_IDS } from '../versions/tool-ids.js';
import { DEFAULT_GROUP, PROBE_DEFAULTS, PROBE_SETTING_KEYS } from './schema-defaults.js';
import { argv, duration, integer, keyedSchema, url } from './schema-fields.js';
import {
  PROBE_KIND_DEFINITIONS,
  PROBE_KINDS,
  type ProbeCheck,
  type ProbeKind,
} from '../health/probe-kinds.js';

// One optional key per probe kind, each parsed into its check by the kind's definition.
const checks = Object.fromEntries(
  PROBE_KINDS.map((kind) => [kind, PROBE_KIND_DEFINITIONS[kind].parse.optional()]),
) as { [K in ProbeKind]: z.ZodOptional<(typeof PROBE_KIND_DEFINITIONS)[K]['parse']> };

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
    ...checks,
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
  .transform((value, ctx) => {
    const check = PROBE_KINDS.map((kind): ProbeCheck | undefined => value[kind]).find(
      (c) => c !== undefined,
    );
    if (check === undefined) {
      // superRefine reported it already and zod does not transform a value with issues.
      ctx.addIssue({ code: 'custom', message: 'the probe has no check' });
      return z.NEVER;
    }
    return {
      check,
      periodMs: value.period,
      timeoutMs: value.timeout,
      failureThreshold: value.failure_threshold,
      startTimeoutMs: value.start_timeout,
      restartUnhealthy: value.restart_unhealthy,
    };
  });

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

/** Task queues the service polls, for the TUI's Temporal panel (it also finds them from the server). */
const temporal = z.strictObject({
  task_queues: z.array(z.string().min(1, 'expected a task queue name')).default([]),
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
  temporal: temporal.optional(),
});

/** Keys x-devenv knows at a path below a service's `x-devenv`, for "unknown key" hints. */
export function devenvKnownKeys(tail: string): readonly string[] | undefined {
  if (tail === 'x-devenv') return Object.keys(devenvExtension.shape);
  if (tail === 'x-devenv.native') return Object.keys(native.shape);
  if (tail === 'x-devenv.reload_guard') return Object.keys(reloadGuard.shape);
  if (tail === 'x-devenv.hot_reload') return Object.keys(hotReload.shape);
  if (tail === 'x-devenv.temporal') return Object.keys(temporal.shape);
  return undefined;
}
