// One JSON log line per activity, with the workflow ID: what the Loki sink ships per line.
export async function touch(n: number, workflowId: string): Promise<number> {
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'touched', workflowId, n })}\n`,
  );
  return n + 1;
}
