// Shaped like Temporal's hello-world sample (samples-typescript/hello-world/src/worker.ts): the
// task queue is written here, in code. Only the server address may come from the environment
// (TEMPORAL_ADDRESS, as the Temporal CLI and SDK environment configuration name it).
import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import * as activities from './activities.js';

async function run(): Promise<void> {
  const connection = await NativeConnection.connect({
    address: process.env['TEMPORAL_ADDRESS'] ?? 'localhost:7233',
  });
  try {
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue: 'hello-world',
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
      activities,
    });
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
