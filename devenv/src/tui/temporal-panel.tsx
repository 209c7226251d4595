import { Box, Text } from 'ink';
import type { TemporalOverview } from '../temporal/temporal-overview.js';

/** Namespaces, each task queue's pollers and backlog, and the latest failed workflows with their reason. */
export function TemporalPanel({
  overview,
  width,
}: {
  readonly overview: TemporalOverview;
  readonly width: number;
}) {
  const cut = (text: string, max: number) =>
    text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  if (overview.error) {
    return (
      <Text dimColor>
        temporal {overview.address}: not answering ({cut(overview.error, width - 40)})
      </Text>
    );
  }
  const nameWidth = Math.max(10, ...overview.taskQueues.map((q) => q.name.length));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>temporal</Text> <Text dimColor>{overview.address}</Text> · namespaces:{' '}
        {overview.namespaces.join(', ') || '-'}
      </Text>
      {overview.taskQueues.map((q) => (
        <Text key={q.name}>
          {'  '}
          {q.name.padEnd(nameWidth)}{' '}
          <Text color={q.workflowPollers + q.activityPollers > 0 ? 'green' : 'red'}>
            pollers wf {q.workflowPollers} / act {q.activityPollers}
          </Text>{' '}
          <Text dimColor>backlog {q.backlog ?? '?'}</Text>
        </Text>
      ))}
      {overview.failed.slice(0, 3).map((f) => (
        <Text key={f.workflowId} wrap="truncate">
          {'  '}
          <Text color="red">failed</Text> {f.workflowId}{' '}
          <Text dimColor>{cut(f.message, Math.max(20, width - f.workflowId.length - 12))}</Text>
        </Text>
      ))}
    </Box>
  );
}

/** Rows the panel takes, for the layout. */
export function temporalPanelHeight(overview: TemporalOverview | undefined): number {
  if (!overview) return 0;
  return overview.error ? 1 : 1 + overview.taskQueues.length + Math.min(3, overview.failed.length);
}
