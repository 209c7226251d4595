import { encodeStringField1, grpcUnary } from './grpc-unary.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

const NOT_FOUND = 5;

/** Ready when the frontend answers DescribeNamespace for the namespace: the server is up and the namespace exists. */
export async function probeTemporal(
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const reply = await grpcUnary(
    address,
    '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace',
    encodeStringField1(namespace),
    timeoutMs,
  );
  if (!reply.ok) return failed(`${address}: ${reply.error}`);
  if (reply.status === 0) return passed(`namespace ${namespace} ready at ${address}`);
  if (reply.status === NOT_FOUND)
    return failed(`${address} is up, but namespace ${namespace} does not exist (yet)`);
  return failed(`${address}: grpc-status ${reply.status} ${reply.message}`.trim());
}
