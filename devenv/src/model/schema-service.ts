import { z } from 'zod';
import {
  DEFAULT_GROUP,
  DEFAULT_STOP_GRACE_PERIOD_MS,
  DEPENDENCY_CONDITIONS,
  WATCH_ACTIONS,
} from './schema-defaults.js';
import { devenvExtension } from './schema-devenv.js';
import { readLogging } from './logging.js';
import { argv, duration, integer, keyedSchema, port, volume } from './schema-fields.js';

/** The Engine's container name rule (Compose's schema has the same pattern, unanchored). */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `true`/`false`, also as the strings interpolation leaves (Compose casts those). */
const boolish = z.union(
  [z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')],
  { error: 'expected true or false' },
);

/** `env_file` formats: Compose's dotenv rules (no format), or `raw` (`docker run --env-file`). */
export const ENV_FILE_FORMATS = ['raw'] as const;
const envFileFormat = z.enum(ENV_FILE_FORMATS, {
  error: 'not supported by devenv: this env_file format; use raw, or leave format out for dotenv',
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
  // No defaults: an unset timing is the image's (or Docker's), as Compose leaves it to the Engine.
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: integer.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
  disable: boolish.default(false),
});

const restart = z
  .string()
  .regex(
    /^(no|always|unless-stopped|on-failure(:\d+)?)$/,
    'expected no, always, on-failure[:N] or unless-stopped',
  )
  .transform((value) => {
    const [policy, retries] = value.split(':');
    return {
      policy: policy as 'no' | 'always' | 'on-failure' | 'unless-stopped',
      maxRetries: retries === undefined ? undefined : Number(retries),
    };
  });

const envFile = z.union(
  [
    z.string(),
    z.array(
      z.union(
        [
          z.string(),
          z.looseObject({
            path: z.string(),
            required: boolish.default(true),
            format: envFileFormat.optional(),
          }),
        ],
        { error: 'expected a path or {path, required, format}' },
      ),
    ),
  ],
  { error: 'expected a path or a list of paths' },
);

/** `logging:` checked where it is written; the file sink reads it again from the document. */
const logging = z.unknown().transform((raw, ctx) => {
  const read = readLogging(raw);
  if (read.ok) return read.value;
  for (const problem of read.error)
    ctx.addIssue({
      code: 'custom',
      path: [...problem.path],
      message: problem.message,
      params: { hint: problem.hint },
    });
  return z.NEVER;
});

const watchRule = z.looseObject({
  path: z.string(),
  action: z.enum(WATCH_ACTIONS),
  target: z.string().optional(),
  ignore: z.array(z.string()).default([]),
});

/**
 * One service: the fields devenv reads are typed; everything else (networks, volumes, labels,
 * deploy, x-* …) passes through untouched, because it is valid Compose that devenv does not use.
 */
export const serviceSchema = z.looseObject({
  image: z.string().optional(),
  container_name: z
    .string()
    .regex(
      CONTAINER_NAME,
      'expected a container name: a letter or digit, then at least one letter, digit, "_", "." or "-"',
    )
    .optional(),
  user: z.string().optional(),
  links: z.array(z.string()).nullish(),
  volumes_from: z.array(z.string()).nullish(),
  network_mode: z.string().optional(),
  ipc: z.string().optional(),
  pid: z.string().nullish(),
  uts: z.string().optional(),
  cgroup: z.enum(['host', 'private']).optional(),
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
  restart: restart.default({ policy: 'no', maxRetries: undefined }),
  stop_grace_period: duration.default(DEFAULT_STOP_GRACE_PERIOD_MS),
  working_dir: z.string().nullish(),
  develop: z.looseObject({ watch: z.array(watchRule).nullish() }).nullish(),
  logging: logging.optional(),
  'x-devenv': devenvExtension.default({ group: DEFAULT_GROUP, optional: false }),
});

export type ServiceInput = z.output<typeof serviceSchema>;
