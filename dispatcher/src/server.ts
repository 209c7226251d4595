import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServerCredentials, type Server } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { loadConfig, type DispatcherConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { buildGrpcServer } from './grpc/server.js';
import { buildHttpApp } from './http/app.js';
import type { ServerContext } from './http/context.js';
import { IdClock } from './ids.js';
import { createLogger } from './logging.js';
import { createMetrics } from './metrics.js';
import { cachedReadiness } from './readiness-cache.js';
import { createTemporalHandle } from './temporal-client.js';

/** How long a readiness check waits for Temporal before it says not ready. */
const READY_TIMEOUT_MS = 2_000;

export interface RunningDispatcher {
  /** `http://host:port` as bound (port 0 in the config means any free port). */
  readonly httpUrl: string;
  /** `host:port` of the gRPC server. */
  readonly grpcAddress: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the client. */
  close(): Promise<void>;
}

/** Both servers on one Temporal client. Resolves when both listen. */
export async function startDispatcher(
  config: DispatcherConfig,
  logger: Logger,
): Promise<RunningDispatcher> {
  const ctx = createContext(config, logger);
  const app = await buildHttpApp(ctx);
  const { server: grpc, health } = buildGrpcServer(ctx);
  try {
    await app.listen({ host: config.host, port: config.httpPort });
    const grpcPort = await bindGrpc(grpc, config);
    const address = app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const running: RunningDispatcher = {
      httpUrl: `http://${host}:${httpPort}`,
      grpcAddress: `${host}:${grpcPort}`,
      close: () => shutdown(ctx, app, grpc, health),
    };
    logger.info(
      {
        http: running.httpUrl,
        grpc: running.grpcAddress,
        temporal: config.temporal.address,
        namespace: config.temporal.namespace,
      },
      'dispatcher listening',
    );
    return running;
  } catch (thrown) {
    await app.close();
    grpc.forceShutdown();
    await ctx.temporal.close();
    throw thrown;
  }
}

/** The Temporal client, the Dispatcher on it and the metrics, shared by both servers. */
function createContext(config: DispatcherConfig, logger: Logger): ServerContext {
  const temporal = createTemporalHandle(config.temporal);
  const metrics = createMetrics();
  const dispatcher = new Dispatcher({
    client: temporal.client,
    clock: new IdClock(),
    callTimeoutMs: config.temporalTimeoutMs,
    onStarted: (workflowType, replayed) =>
      metrics.workflowStarts.inc({
        workflow_type: workflowType,
        outcome: replayed ? 'replayed' : 'started',
      }),
  });
  return {
    config,
    dispatcher,
    temporal,
    readiness: cachedReadiness(() => temporal.checkReady(READY_TIMEOUT_MS)),
    metrics,
    logger,
    lifecycle: { closing: false },
  };
}

/** Binds the gRPC server; resolves with the port (the config's, or the free one chosen for 0). */
function bindGrpc(grpc: Server, config: DispatcherConfig): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    grpc.bindAsync(
      `${config.host}:${config.grpcPort}`,
      ServerCredentials.createInsecure(),
      (error, port) => (error ? reject(error) : resolve(port)),
    ),
  );
}

async function shutdown(
  ctx: ServerContext,
  app: Awaited<ReturnType<typeof buildHttpApp>>,
  grpc: ReturnType<typeof buildGrpcServer>['server'],
  health: ReturnType<typeof buildGrpcServer>['health'],
): Promise<void> {
  if (ctx.lifecycle.closing) return;
  ctx.lifecycle.closing = true;
  ctx.logger.info(
    { grace_ms: ctx.config.shutdownGraceMs },
    'shutting down: finishing in-flight requests',
  );
  health.shutdown();
  const drained = Promise.all([
    app.close(),
    new Promise<void>((resolve) => grpc.tryShutdown(() => resolve())),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace-over'>((resolve) => {
    timer = setTimeout(() => resolve('grace-over'), ctx.config.shutdownGraceMs);
  });
  if ((await Promise.race([drained, graceOver])) === 'grace-over') {
    ctx.logger.warn('grace period over: closing the remaining connections');
    app.server.closeAllConnections();
    grpc.forceShutdown();
    await drained;
  }
  clearTimeout(timer);
  await ctx.temporal.close();
  ctx.logger.info('dispatcher stopped');
  ctx.logger.flush();
}

/** Entry point: env → config → servers; SIGTERM/SIGINT shut down gracefully. */
export async function main(): Promise<number> {
  const config = loadConfig(process.env);
  if (!config.ok) {
    // Synchronous: the process exits right after, and an asynchronous line could be lost.
    const logger = createLogger('info', pino.destination({ dest: 1, sync: true }));
    logger.fatal({ problems: config.error }, 'invalid configuration');
    return 2;
  }
  const logger = createLogger(config.value.logLevel);
  const running = await startDispatcher(config.value, logger);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await running.close();
  return 0;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (thrown: unknown) => {
      createLogger('info', pino.destination({ dest: 1, sync: true })).fatal(
        { err: thrown },
        'dispatcher failed',
      );
      process.exitCode = 1;
    },
  );
}
