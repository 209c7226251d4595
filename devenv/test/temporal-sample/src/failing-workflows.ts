// Workflows that fail the way a bad change does, for the Temporal panel's tests: one whose code
// throws (its workflow task fails and is retried, the workflow stays running) and one whose
// activity fails (retried an hour later, so the failure stays listed while a test runs).
import { proxyActivities } from '@temporalio/workflow';

const { refuse } = proxyActivities<{ refuse(): Promise<string> }>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 hour' },
});

/** A plain Error in workflow code fails the workflow task, not the workflow. */
export async function throwsInCode(): Promise<string> {
  await Promise.resolve();
  throw new Error('boom in workflow code');
}

export async function callsFailingActivity(): Promise<string> {
  return await refuse();
}
