import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until none of `ids` is running any more (or `timeoutMs` passed), then returns how many
 * ended in each status (COMPLETED, FAILED, TIMED_OUT, RUNNING, …) and the ids that did not
 * complete. Reads the real Temporal server; closes its connection.
 */
export async function workflowOutcomes(
  ids: readonly string[],
  options: { readonly address: string; readonly namespace: string; readonly timeoutMs: number },
): Promise<{ readonly byStatus: Record<string, number>; readonly notCompleted: string[] }> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    const status = new Map<string, string>();
    const deadline = Date.now() + options.timeoutMs;
    let open = [...ids];
    while (open.length > 0) {
      const still: string[] = [];
      // A few at a time: hundreds of describes at once would be a load test of their own.
      for (let i = 0; i < open.length; i += 16) {
        const batch = open.slice(i, i + 16);
        const described = await Promise.all(
          batch.map((id) =>
            client.workflow
              .getHandle(id)
              .describe()
              .then((d) => d.status.name as string)
              .catch((error: unknown) => `UNKNOWN (${String(error)})`),
          ),
        );
        batch.forEach((id, j) => {
          const name = described[j]!;
          status.set(id, name);
          if (name === 'RUNNING') still.push(id);
        });
      }
      open = still;
      if (open.length === 0 || Date.now() > deadline) break;
      await sleep(500);
    }
    const byStatus: Record<string, number> = {};
    for (const name of status.values()) byStatus[name] = (byStatus[name] ?? 0) + 1;
    const notCompleted = [...status].filter(([, s]) => s !== 'COMPLETED').map(([id]) => id);
    return { byStatus, notCompleted };
  } finally {
    await connection.close();
  }
}
