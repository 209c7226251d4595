import { dirname, join, resolve } from 'node:path';
import { runPgliteServer } from '../launchers/pglite-server.js';
import { runPostgresServer } from '../launchers/postgres-server.js';
import {
  chooseEngine,
  describeEngine,
  ENGINE_ENV,
  parseEngineChoice,
  type EngineChoice,
  type PostgresEngine,
} from '../postgres/engine-choice.js';
import { pgliteVersion } from '../postgres/pglite-package.js';
import { err, type Result } from '../../shared/result.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

export const POSTGRES_SERVER_USAGE = `Usage: devenv postgres-server [--port PORT] [--data DIR] [--engine ENGINE] [--pglite-data DIR]

Runs the stack's development Postgres in the foreground (what the postgres service runs
natively) on 127.0.0.1:PORT, with the superuser POSTGRES_USER, password POSTGRES_PASSWORD and
the database POSTGRES_DB (the official image's variables). The engine:
  postgres  the PostgreSQL server versions.yaml asks for, when it is installed: --data is
            initialised on first use; TCP takes the password (scram-sha-256), the Unix socket
            only the OS user running devenv (peer). As root the server runs as the postgres
            user, and the data moves to a private directory of its own when that user cannot
            enter --data's parent (.devenv/ is private)
  pglite    PGlite, Postgres compiled to WebAssembly, embedded in devenv (npm install brings it):
            its connections share one session and run one statement at a time; it checks no
            password
  auto      postgres when installed, else pglite (the default)

      --port PORT          default 5432
      --data DIR           PostgreSQL's data directory; default .devenv/postgres/data
      --pglite-data DIR    PGlite's; default pglite/ beside --data
      --engine ENGINE      auto, postgres or pglite; default ${ENGINE_ENV} or auto`;

/** Where and as whom the server runs, whichever engine runs it. */
interface ServerSettings {
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly password: string;
  readonly dataDir: string;
  readonly pgliteDataDir: string;
  readonly log: (line: string) => void;
}

export async function postgresServerCommand(
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      port: { type: 'string' },
      data: { type: 'string' },
      'pglite-data': { type: 'string' },
      engine: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    POSTGRES_SERVER_USAGE,
  );
  if (values.help) {
    ctx.out(POSTGRES_SERVER_USAGE);
    return 0;
  }
  const port = Number(values.port ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port ${values.port}: expected a port number`, POSTGRES_SERVER_USAGE);
  const choice = parseEngineChoice(values.engine, ctx.env[ENGINE_ENV]);
  if (!choice.ok) throw new UsageError(choice.error, POSTGRES_SERVER_USAGE);
  const log = (line: string) => ctx.err(`devenv postgres-server: ${line}`);

  const engine = await findEngine(choice.value, ctx);
  if (!engine.ok) {
    log(engine.error);
    return 1;
  }
  log(describeEngine(engine.value));
  const dataDir =
    values.data !== undefined
      ? resolve(values.data)
      : join(ctx.projectRoot, '.devenv', 'postgres', 'data');
  const user = ctx.env['POSTGRES_USER'] || 'postgres';
  const settings: ServerSettings = {
    port,
    user,
    database: ctx.env['POSTGRES_DB'] || user,
    password: ctx.env['POSTGRES_PASSWORD'] ?? '',
    dataDir,
    pgliteDataDir: resolve(values['pglite-data'] ?? join(dirname(dataDir), 'pglite')),
    log,
  };
  if (engine.value.kind === 'postgres' && settings.password === '') {
    log(
      'POSTGRES_PASSWORD is not set: PostgreSQL takes the superuser password on TCP; set it as compose/compose.yaml does (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-timecop})',
    );
    return 1;
  }
  return serveUntilSignalled(engine.value, settings);
}

/** Runs the engine in the foreground until it exits or SIGTERM/SIGINT stops it; its exit code. */
async function serveUntilSignalled(
  engine: PostgresEngine,
  settings: ServerSettings,
): Promise<number> {
  const { port, user, database, log } = settings;
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    const result =
      engine.kind === 'postgres'
        ? await runPostgresServer({
            port,
            user,
            database,
            log,
            postgres: engine.path,
            password: settings.password,
            dataDir: settings.dataDir,
            stop: stopping.signal,
          })
        : await runPgliteServer({
            port,
            user,
            database,
            log,
            dataDir: settings.pgliteDataDir,
            stop: stopping.signal,
          });
    if (!result.ok) {
      log(result.error);
      return 1;
    }
    return result.value;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

/** The toolchain looks for the server as doctor does (PATH, distribution directories, cache). */
async function findEngine(
  choice: EngineChoice,
  ctx: CommandContext,
): Promise<Result<PostgresEngine, string>> {
  return chooseEngine(
    choice,
    async () => {
      const { projectVersions } = await import('./project-versions.js');
      const { createToolchain } = await import('../toolchain/toolchain.js');
      const versions = await projectVersions(ctx);
      if (versions === undefined)
        return err({
          reason: 'tool-not-found',
          tool: 'postgres',
          wanted: '?',
          remediation: 'fix versions.yaml (see above)',
        });
      return createToolchain({ projectRoot: ctx.projectRoot, versions }).find('postgres');
    },
    pgliteVersion(),
  );
}
