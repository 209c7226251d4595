// Child of bench/observability-overhead.ts: a worker plus a client that runs N workflows, with
// (`observed`) or without (`bare`) the workers' metrics: Prometheus telemetry and the real
// interceptors of workers/typescript. Prints `RESULT <ms>` on stderr.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { activityMetricsInterceptor } from '../../workers/typescript/src/interceptors/activity-metrics.js';
import { prometheusTelemetry } from '../../workers/typescript/src/metrics.js';
import { WORKFLOW_METRICS_INTERCEPTOR } from '../../workers/typescript/src/worker-setup.js';
import * as activities from './activities.js';

const [mode, addressArg, metricsPort, countArg, concurrencyArg] = process.argv.slice(2);
if (addressArg === undefined) throw new Error('usage: worker.ts bare|observed HOST:PORT …');
const address: string = addressArg;
const observed = mode === 'observed';
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const taskQueue = `overhead-${mode}-${process.pid}`;

if (observed)
  Runtime.install({
    telemetryOptions: { metrics: prometheusTelemetry(`127.0.0.1:${metricsPort}`) },
  });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities,
  ...(observed
    ? {
        interceptors: {
          activity: [activityMetricsInterceptor(Runtime.instance().metricMeter)],
          workflowModules: [WORKFLOW_METRICS_INTERCEPTOR],
        },
      }
    : {}),
});
const clientConnection = await Connection.connect({ address });
const client = new Client({ connection: clientConnection, namespace: 'default' });

const running = worker.run();
// Warm-up: the first workflows pay for the bundle's first load and connection set-up.
await drive(Math.min(20, count));
const started = performance.now();
await drive(count);
const ms = performance.now() - started;
process.stderr.write(`RESULT ${ms}\n`);
worker.shutdown();
await running;
await clientConnection.close();
await connection.close();

async function drive(n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await client.workflow.execute('overheadWorkflow', {
          taskQueue,
          workflowId: `overhead-${mode}-${process.pid}-${i}-${performance.now()}`,
          args: [i],
        });
      }
    }),
  );
}
