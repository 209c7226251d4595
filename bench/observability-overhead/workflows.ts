// The bench's workflow: one activity, so each run exercises both interceptors once.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities.js';

const { touch } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function overheadWorkflow(n: number): Promise<number> {
  return await touch(n, workflowInfo().workflowId);
}
