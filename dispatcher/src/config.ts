import { z } from 'zod';
import { temporalTargetFrom } from '../../workers/typescript/src/routing.js';
import { err, ok, type Result } from '../../devenv/shared/result.js';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().min(1);

/**
 * Environment → typed configuration. Defaults live here, in one place (CONVENTIONS §7). Port 0
 * means "any free port" (tests); the bound ports are reported by the running dispatcher.
 */
const EnvSchema = z.object({
  DISPATCHER_HOST: z.string().min(1).default('127.0.0.1'),
  DISPATCHER_PORT: port.default(7070),
  DISPATCHER_GRPC_PORT: port.default(7071),
  /** Optional bearer token; when set, every API call (not the probes or /metrics) must carry it. */
  DISPATCHER_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v)),
  /**
   * devenv's per-session secret (devenv/src/session/session-secret.ts), in the environment of every
   * service devenv starts: without DISPATCHER_TOKEN, the mutating calls must carry it.
   */
  DEVENV_SESSION_TOKEN: z.string().optional(),
  /**
   * Host names the HTTP API answers besides loopback ones and DISPATCHER_HOST, comma-separated
   * (a Kubernetes Service's names); `*` turns the Host check off.
   */
  DISPATCHER_ALLOWED_HOSTS: z.string().optional(),
  /** gRPC server reflection (grpcurl); defaults to on unless NODE_ENV=production. */
  DISPATCHER_GRPC_REFLECTION: z.enum(['true', 'false', '1', '0']).optional(),
  NODE_ENV: z.string().optional(),
  /** Largest request body accepted; bigger ones get 413 before they are parsed. */
  DISPATCHER_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  /** Requests per client (IP) per minute on the API routes; 0 turns the limit off. */
  DISPATCHER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /** How long shutdown waits for in-flight requests before closing their connections. */
  DISPATCHER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Deadline of a single Temporal call made for a request (a hung server → 503, never a hang). */
  DISPATCHER_TEMPORAL_TIMEOUT_MS: positiveInt.default(10_000),
  /** Longest `wait` of GET /workflows/:id/result (and gRPC GetWorkflowResult without a deadline). */
  DISPATCHER_MAX_RESULT_WAIT_MS: positiveInt.default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface DispatcherConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly temporal: { readonly address: string; readonly namespace: string };
  /** DISPATCHER_TOKEN: every API call (HTTP and gRPC, not the probes) must carry it. */
  readonly token: string | undefined;
  /** DEVENV_SESSION_TOKEN when DISPATCHER_TOKEN is unset: the mutating calls must carry it. */
  readonly sessionToken: string | undefined;
  /** Extra names the Host header may carry (loopback ones always may); `*` = any. */
  readonly allowedHosts: readonly string[];
  readonly grpcReflection: boolean;
  readonly bodyLimitBytes: number;
  readonly rateLimitPerMinute: number;
  readonly shutdownGraceMs: number;
  readonly temporalTimeoutMs: number;
  readonly maxResultWaitMs: number;
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/** One problem with one variable, e.g. `DISPATCHER_PORT: Too big: expected number to be <=65535`. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: reads only `env`. Empty strings count as unset, as a shell's `FOO=` usually means. */
export function loadConfig(env: Env): Result<DispatcherConfig, ConfigProblem[]> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  return ok({
    host: e.DISPATCHER_HOST,
    httpPort: e.DISPATCHER_PORT,
    grpcPort: e.DISPATCHER_GRPC_PORT,
    temporal: temporalTargetFrom(env),
    token: e.DISPATCHER_TOKEN,
    sessionToken: e.DISPATCHER_TOKEN === undefined ? e.DEVENV_SESSION_TOKEN : undefined,
    allowedHosts: [
      ...(isWildcardAddress(e.DISPATCHER_HOST) ? [] : [e.DISPATCHER_HOST]),
      ...(e.DISPATCHER_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
    ],
    grpcReflection:
      e.DISPATCHER_GRPC_REFLECTION === undefined
        ? e.NODE_ENV !== 'production'
        : e.DISPATCHER_GRPC_REFLECTION === 'true' || e.DISPATCHER_GRPC_REFLECTION === '1',
    bodyLimitBytes: e.DISPATCHER_BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.DISPATCHER_RATE_LIMIT_PER_MINUTE,
    shutdownGraceMs: e.DISPATCHER_SHUTDOWN_GRACE_MS,
    temporalTimeoutMs: e.DISPATCHER_TEMPORAL_TIMEOUT_MS,
    maxResultWaitMs: e.DISPATCHER_MAX_RESULT_WAIT_MS,
    logLevel: e.LOG_LEVEL,
  });
}

/** 0.0.0.0 or :: bind every interface: that names no host a client would put in `Host`. */
function isWildcardAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}
