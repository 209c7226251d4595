import { grpcUnary } from './grpc-unary.js';
import { lengthField, readFields, varintField, type WireField } from './protobuf-wire.js';

/** The task queue types a Temporal worker polls, as DescribeTaskQueue takes them. */
export type PollerKind = 'workflow' | 'activity';

const TASK_QUEUE_TYPE: Record<PollerKind, number> = { workflow: 1, activity: 2 };
const TASK_QUEUE_KIND_NORMAL = 1;
const NOT_FOUND = 5;

/** A poller the server has seen: its identity (the SDKs' default is `<pid>@<hostname>`). */
export interface Poller {
  readonly identity: string;
  /** When it last started a poll (a long poll of up to a minute does not renew it). */
  readonly lastAccessMs: number;
}

export type PollersReply =
  | { readonly ok: true; readonly pollers: readonly Poller[] }
  | { readonly ok: false; readonly error: string };

/** The pollers of one type of a task queue (DescribeTaskQueue), over one plain gRPC call. */
export async function describePollers(
  target: { readonly address: string; readonly namespace: string; readonly taskQueue: string },
  kind: PollerKind,
  timeoutMs: number,
): Promise<PollersReply> {
  const request = Buffer.concat([
    lengthField(1, target.namespace),
    lengthField(
      2,
      Buffer.concat([lengthField(1, target.taskQueue), varintField(2, TASK_QUEUE_KIND_NORMAL)]),
    ),
    varintField(3, TASK_QUEUE_TYPE[kind]),
  ]);
  const reply = await grpcUnary(
    target.address,
    '/temporal.api.workflowservice.v1.WorkflowService/DescribeTaskQueue',
    request,
    timeoutMs,
  );
  if (!reply.ok) return { ok: false, error: `${target.address}: ${reply.error}` };
  if (reply.status === NOT_FOUND)
    return {
      ok: false,
      error: `namespace ${target.namespace} does not exist at ${target.address}`,
    };
  if (reply.status !== 0)
    return {
      ok: false,
      error: `${target.address}: grpc-status ${reply.status} ${reply.message}`.trim(),
    };
  const pollers = decodePollers(reply.body);
  return pollers
    ? { ok: true, pollers }
    : { ok: false, error: `${target.address}: unreadable DescribeTaskQueue reply` };
}

/** DescribeTaskQueueResponse.pollers (field 1): PollerInfo {last_access_time 1, identity 2}. */
export function decodePollers(body: Buffer): Poller[] | undefined {
  const fields = readFields(body);
  if (!fields) return undefined;
  const pollers: Poller[] = [];
  for (const { field, value } of fields) {
    if (field !== 1 || typeof value === 'number') continue;
    const info = readFields(value);
    if (!info) return undefined;
    const time = bytesOf(info, 1);
    const timestamp = time ? readFields(time) : [];
    if (!timestamp) return undefined;
    const seconds = numberOf(timestamp, 1);
    const nanos = numberOf(timestamp, 2);
    pollers.push({
      identity: bytesOf(info, 2)?.toString('utf8') ?? '',
      lastAccessMs: seconds * 1000 + Math.floor(nanos / 1e6),
    });
  }
  return pollers;
}

function bytesOf(fields: readonly WireField[], field: number): Buffer | undefined {
  const value = fields.find((f) => f.field === field)?.value;
  return Buffer.isBuffer(value) ? value : undefined;
}

function numberOf(fields: readonly WireField[], field: number): number {
  const value = fields.find((f) => f.field === field)?.value;
  return typeof value === 'number' ? value : 0;
}
