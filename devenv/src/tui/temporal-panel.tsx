import { Box, Text } from 'ink';
import {
  workflowPageUrl,
  type TaskFailure,
  type TaskQueueReading,
  type TemporalOverview,
} from '../temporal/temporal-overview.js';

const QUEUE_ROWS = 8;
const FAILURE_ROWS = 3;
const FAILED_ROWS = 2;

const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;

/**
 * Namespaces; each task queue's pollers, backlog, oldest task and failures since the last reload;
 * the failing workflow tasks and activities (the newest is the one `w` opens); the latest failed
 * workflows with their reason.
 */
export function TemporalPanel({
  overview,
  width,
}: {
  readonly overview: TemporalOverview;
  readonly width: number;
}) {
  if (overview.error) {
    return (
      <Text dimColor>
        temporal {overview.address}: not answering ({cut(overview.error, width - 40)})
      </Text>
    );
  }
  const queues = overview.taskQueues.slice(0, QUEUE_ROWS);
  const nameWidth = Math.max(10, ...queues.map((q) => q.name.length));
  const failing = queues.reduce((sum, q) => sum + q.failuresSinceReload, 0);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>temporal</Text> <Text dimColor>{overview.address}</Text> · namespaces:{' '}
        {overview.namespaces.join(', ') || '-'} ·{' '}
        <Text color={failing > 0 ? 'red' : 'green'}>
          {failing} failing since reload {ago(overview.reloadedAt, overview.at)}
        </Text>
      </Text>
      {queues.map((q) => (
        <QueueRow key={q.name} queue={q} nameWidth={nameWidth} />
      ))}
      {overview.failures.slice(0, FAILURE_ROWS).map((f, i) => (
        <FailureRow
          key={`${f.kind} ${f.runId} ${f.type}`}
          failure={f}
          selected={i === 0}
          width={width}
        />
      ))}
      {overview.failed.slice(0, FAILED_ROWS).map((f) => (
        <Text key={f.workflowId} wrap="truncate">
          {'  '}
          <Text color="red">failed</Text> {f.workflowId}{' '}
          <Text dimColor>{cut(f.message, Math.max(20, width - f.workflowId.length - 12))}</Text>
        </Text>
      ))}
    </Box>
  );
}

function QueueRow({ queue: q, nameWidth }: { queue: TaskQueueReading; nameWidth: number }) {
  const waiting = q.backlog === undefined ? 'backlog ?' : `backlog ${q.backlog}`;
  const oldest = q.oldestTaskAgeMs ? ` (oldest ${seconds(q.oldestTaskAgeMs)})` : '';
  return (
    <Text wrap="truncate">
      {'  '}
      {q.name.padEnd(nameWidth)}{' '}
      <Text color={q.workflowPollers + q.activityPollers > 0 ? 'green' : 'red'}>
        pollers wf {q.workflowPollers} / act {q.activityPollers}
      </Text>{' '}
      {q.oldestTaskAgeMs ? (
        <Text color="yellow">
          {waiting}
          {oldest}
        </Text>
      ) : (
        <Text dimColor>{waiting}</Text>
      )}
      {q.failuresSinceReload > 0 ? <Text color="red"> failing {q.failuresSinceReload}</Text> : null}
      <Text dimColor> {q.source === 'declared' ? '' : `(from ${q.source})`}</Text>
    </Text>
  );
}

function FailureRow({
  failure: f,
  selected,
  width,
}: {
  failure: TaskFailure;
  selected: boolean;
  width: number;
}) {
  const what = f.kind === 'workflow-task' ? 'workflow task' : 'activity';
  const tail = ` ×${f.attempt}${selected ? ' · w opens' : ''}`;
  const room = width - what.length - f.type.length - f.workflowId.length - tail.length - 8;
  return (
    <Text wrap="truncate">
      {selected ? '  ▸ ' : '    '}
      <Text color="red">{what}</Text> {f.type} {f.workflowId}{' '}
      <Text>{cut(f.message || '(no message)', Math.max(20, room))}</Text>
      <Text dimColor>{tail}</Text>
    </Text>
  );
}

/** Rows the panel takes, for the layout. */
export function temporalPanelHeight(overview: TemporalOverview | undefined): number {
  if (!overview) return 0;
  if (overview.error) return 1;
  return (
    1 +
    Math.min(QUEUE_ROWS, overview.taskQueues.length) +
    Math.min(FAILURE_ROWS, overview.failures.length) +
    Math.min(FAILED_ROWS, overview.failed.length)
  );
}

/** What `w` opens: the newest failure's workflow in the Temporal UI, when one is known. */
export function failureToOpen(
  overview: TemporalOverview | undefined,
): { readonly workflowId: string; readonly url: string | undefined } | undefined {
  const newest = overview?.failures[0];
  if (!overview || !newest) return undefined;
  return {
    workflowId: newest.workflowId,
    url: overview.uiUrl ? workflowPageUrl(overview.uiUrl, overview.namespace, newest) : undefined,
  };
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`;
}

function ago(since: number, now: number): string {
  return `${seconds(Math.max(0, now - since))} ago`;
}
