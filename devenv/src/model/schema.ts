import { z } from 'zod';
import { devenvKnownKeys } from './schema-devenv.js';
import { serviceSchema } from './schema-service.js';
import { unknownKeyProblems, unsupportedKeyProblems } from './schema-strict.js';
import { valueProblems } from './value-checks.js';

export {
  DEFAULT_GROUP,
  DEFAULT_PROBE_HOST,
  DEFAULT_STOP_GRACE_PERIOD_MS,
  DEFAULT_TEMPORAL_ADDRESS,
  DEFAULT_TEMPORAL_NAMESPACE,
  DEPENDENCY_CONDITIONS,
  HEALTHCHECK_DEFAULTS,
  PROBE_DEFAULTS,
  WATCH_ACTIONS,
  type IssueParams,
} from './schema-defaults.js';
export { PROBE_KINDS } from '../health/probe-kinds.js';
export { keyedSchema } from './schema-fields.js';
export { CONTAINER_NAME, serviceSchema, type ServiceInput } from './schema-service.js';

/** The fields devenv reads, typed; everything else passes through for the docker runtime and `config`. */
const typedComposeSchema = z.looseObject({
  name: z.string().optional(),
  services: z.record(z.string(), serviceSchema.nullable()).optional(),
  volumes: z
    .record(
      z.string(),
      z.looseObject({ name: z.string().optional(), external: z.boolean().optional() }).nullable(),
    )
    .optional(),
});

export type ComposeInput = z.output<typeof typedComposeSchema>;

/**
 * The whole document: keys checked against the Compose Specification (unknown keys and what
 * devenv cannot run), and the typed fields parsed, with every problem of both reported at once.
 */
export const composeSchema = z.unknown().transform((document, ctx): ComposeInput => {
  const keyProblems = [
    ...unknownKeyProblems(document),
    ...unsupportedKeyProblems(document),
    ...valueProblems(document),
  ];
  for (const problem of keyProblems)
    ctx.addIssue({
      code: 'custom',
      path: [...problem.path],
      message: problem.message,
      params: { at: problem.at ?? 'value', ...(problem.hint ? { hint: problem.hint } : {}) },
    });
  const typed = typedComposeSchema.safeParse(document);
  if (!typed.success) {
    for (const issue of typed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }
  return keyProblems.length > 0 ? z.NEVER : typed.data;
});

/** Keys the schema knows at a strict path, for "unknown key" hints. */
export function knownKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  if (path[0] !== 'services') return undefined;
  return devenvKnownKeys(path.slice(2).map(String).join('.'));
}
