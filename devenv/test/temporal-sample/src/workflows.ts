// Shaped like Temporal's hello-world sample (samples-typescript/hello-world/src/workflows.ts).
// Other workflows of the fixture are exported from here too (one file each, e.g. a failing one).
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities.js';

const { greet } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

/** A workflow that simply calls an activity. */
export async function example(name: string): Promise<string> {
  return await greet(name);
}
