import { join, resolve } from 'node:path';
import { runPostgresServer } from '../launchers/postgres-server.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import { toolEnvName } from '../runtime/native.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

export const POSTGRES_SERVER_USAGE = `Usage: devenv postgres-server [--port PORT] [--data DIR]

Runs a development PostgreSQL in the foreground (what the stack's postgres service runs
natively): initialises DIR on first use with trust authentication on 127.0.0.1, with the
superuser POSTGRES_USER and the database POSTGRES_DB (the official image's variables).

      --port PORT   default 5432
      --data DIR    default .devenv/postgres/data`;

export async function postgresServerCommand(
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { port: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    POSTGRES_SERVER_USAGE,
  );
  if (values.help) {
    ctx.out(POSTGRES_SERVER_USAGE);
    return 0;
  }
  const port = Number(values.port ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port ${values.port}: expected a port number`, POSTGRES_SERVER_USAGE);
  const postgres = ctx.env[toolEnvName('postgres')] ?? (await findPostgres(ctx));
  if (postgres === undefined) return 1;
  const result = await runPostgresServer({
    postgres,
    dataDir:
      values.data !== undefined
        ? resolve(values.data)
        : join(ctx.projectRoot, '.devenv', 'postgres', 'data'),
    port,
    user: ctx.env['POSTGRES_USER'] ?? 'postgres',
    database: ctx.env['POSTGRES_DB'] ?? ctx.env['POSTGRES_USER'] ?? 'postgres',
    log: (line) => ctx.err(`devenv postgres-server: ${line}`),
  });
  if (!result.ok) {
    ctx.err(`devenv postgres-server: ${result.error}`);
    return 1;
  }
  return result.value;
}

/** When not started by devenv (which passes the path it verified), look the tool up as doctor does. */
async function findPostgres(ctx: CommandContext): Promise<string | undefined> {
  const { projectVersions } = await import('./project-versions.js');
  const { createToolchain } = await import('../toolchain/toolchain.js');
  const versions = await projectVersions(ctx);
  if (versions === undefined) return undefined;
  const found = await createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
  }).find('postgres');
  if (found.ok) return found.value.path;
  ctx.err(
    `devenv postgres-server: postgres ${describeToolFailure(found.error)}\n  → ${found.error.remediation}`,
  );
  return undefined;
}
