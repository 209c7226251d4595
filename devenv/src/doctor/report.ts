import { z } from 'zod';

/**
 * The machine-readable report of `devenv doctor --json`. Stable: fields are only ever added;
 * a removal or change of meaning bumps `schemaVersion`.
 */
export const checkStatus = z.enum(['ok', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof checkStatus>;

export const toolReport = z.strictObject({
  name: z.string(),
  /** `required` tools are needed by `npm run dev` / `npm test`. */
  need: z.enum(['required', 'optional']),
  purpose: z.string(),
  /** The version spec from versions.yaml. */
  wanted: z.string(),
  /** A usable copy (right version) exists. */
  found: z.boolean(),
  version: z.string().nullable(),
  path: z.string().nullable(),
  source: z.enum(['path', 'system', 'cache']).nullable(),
  /** Every copy seen, usable or not, so a mismatch shows what is there. */
  candidates: z.array(
    z.strictObject({
      path: z.string(),
      version: z.string().nullable(),
      source: z.enum(['path', 'system', 'cache']),
    }),
  ),
  status: checkStatus,
  problem: z.string().nullable(),
  remediation: z.string().nullable(),
});
export type ToolReport = z.infer<typeof toolReport>;

export const checkReport = z.strictObject({
  /** Stable identifier, e.g. `node`, `docker-engine`, `port:7233`, `disk`. */
  id: z.string(),
  status: checkStatus,
  message: z.string(),
  remediation: z.string().nullable(),
});
export type CheckReport = z.infer<typeof checkReport>;

export const doctorReport = z.strictObject({
  schemaVersion: z.literal(1),
  projectRoot: z.string(),
  /** False when any check failed; warnings alone keep it true. */
  ok: z.boolean(),
  summary: z.strictObject({ ok: z.number().int(), warn: z.number().int(), fail: z.number().int() }),
  tools: z.array(toolReport),
  checks: z.array(checkReport),
});
export type DoctorReport = z.infer<typeof doctorReport>;

export function summarize(statuses: readonly CheckStatus[]): DoctorReport['summary'] {
  return {
    ok: statuses.filter((s) => s === 'ok').length,
    warn: statuses.filter((s) => s === 'warn').length,
    fail: statuses.filter((s) => s === 'fail').length,
  };
}
