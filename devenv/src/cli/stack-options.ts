import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadStackOptions } from '../model/load-stack.js';
import type { Stack } from '../model/stack.js';
import type { CommandContext } from './command.js';
import {
  DEFAULT_COMPOSE_FILE,
  discoverComposeFiles,
  profilesFromVariable,
} from './compose-discovery.js';
import { withComposeDotenv } from './compose-dotenv.js';
import { printDiagnostics } from './output.js';

/** Flags shared by every command that reads the stack model, as `docker compose` has them. */
export const STACK_FLAGS = {
  file: { type: 'string', short: 'f', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  profile: { type: 'string', multiple: true },
  'env-file': { type: 'string' },
} as const;

/** The flags of the commands that ask a running `devenv up` to act and wait (restart, scale, …). */
export const CONTROL_FLAGS = {
  ...STACK_FLAGS,
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  'no-wait': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const STACK_FLAGS_USAGE = `  -f, --file FILE          compose file (repeatable; later files override earlier ones)
                           default: COMPOSE_FILE, else compose.yaml (and its override)
                           in this directory or the nearest parent, as in Compose, else
                           compose/compose.yaml of this project
  -p, --project-name NAME  project name (default: the compose file's name: or its directory)
      --profile NAME       enable a Compose profile (repeatable), e.g. observability;
                           default: COMPOSE_PROFILES (comma-separated)
      --env-file FILE      variables for interpolation instead of the project directory's .env`;

export interface StackFlagValues {
  readonly file?: string[] | undefined;
  readonly 'project-name'?: string | undefined;
  readonly profile?: string[] | undefined;
  readonly 'env-file'?: string | undefined;
}

export { DEFAULT_COMPOSE_FILE };

/** Discovery warnings already printed: `up` works out its options twice on a cache miss. */
const warned = new Set<string>();

/**
 * What `loadStack` is given for these flags: absolute files (`-f`, COMPOSE_FILE, or found as
 * Compose finds them: compose-discovery.ts), the env file, profiles (`--profile`, else
 * COMPOSE_PROFILES).
 */
export function stackLoadOptions(
  values: StackFlagValues,
  ctx: CommandContext,
  cwd = process.cwd(),
): LoadStackOptions {
  const env = composeEnvironment(values, ctx, cwd);
  const { files, warnings } = discoverComposeFiles({
    flagFiles: values.file,
    variables: env,
    cwd,
    projectRoot: ctx.projectRoot,
    platform: process.platform,
    exists: existsSync,
  });
  for (const warning of warnings) {
    if (!warned.has(warning)) ctx.err(`devenv: warning: ${warning}`);
    warned.add(warning);
  }
  return {
    files,
    env,
    ...(values['project-name'] !== undefined ? { projectName: values['project-name'] } : {}),
    profiles: values.profile ?? profilesFromVariable(env['COMPOSE_PROFILES']),
    ...(values['env-file'] !== undefined ? { envFile: resolve(cwd, values['env-file']) } : {}),
  };
}

/**
 * The environment with the `COMPOSE_*` settings of the `.env` Compose reads them from. A `.env`
 * that does not parse leaves the environment as it is: the loader reads the project's `.env` too
 * (the same file unless `-f` or the directory say otherwise) and reports its problems positioned.
 */
function composeEnvironment(
  values: StackFlagValues,
  ctx: CommandContext,
  cwd: string,
): NodeJS.ProcessEnv {
  const withDotenv = withComposeDotenv({
    flagFiles: values.file,
    envFile: values['env-file'],
    cwd,
    env: ctx.env,
    read: readIfExists,
  });
  return withDotenv.ok ? withDotenv.value : ctx.env;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Loads the stack the flags name; prints positioned diagnostics and returns undefined on errors. */
export async function loadStackFromFlags(
  values: StackFlagValues,
  ctx: CommandContext,
  cwd = process.cwd(),
  overrides: Partial<LoadStackOptions> = {},
): Promise<Stack | undefined> {
  // Imported here: `up` takes its stack from the stack cache when it can, without the model code.
  const { loadStack } = await import('../model/load-stack.js');
  const loaded = await loadStack({ ...stackLoadOptions(values, ctx, cwd), ...overrides });
  if (!loaded.ok) {
    printDiagnostics(ctx, loaded.error);
    return undefined;
  }
  return loaded.value;
}

/** Where a stack's state (session, logs, data) lives: this repository's `.devenv/` for stacks inside it. */
export function stateDirOf(stack: Stack, ctx: CommandContext): string {
  const inside =
    stack.projectDir === ctx.projectRoot || stack.projectDir.startsWith(`${ctx.projectRoot}/`);
  return join(inside ? ctx.projectRoot : stack.projectDir, '.devenv');
}
