import { encodeStringField1, grpcUnary } from './grpc-unary.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

const SERVING = 1;

/** grpc.health.v1.Health/Check: ready when the server says SERVING for `service` ('' = the whole server). */
export async function probeGrpcHealth(
  address: string,
  service: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const reply = await grpcUnary(
    address,
    '/grpc.health.v1.Health/Check',
    encodeStringField1(service),
    timeoutMs,
  );
  if (!reply.ok) return failed(`${address}: ${reply.error}`);
  if (reply.status !== 0)
    return failed(`${address}: grpc-status ${reply.status} ${reply.message}`.trim());
  // HealthCheckResponse { ServingStatus status = 1; } → bytes 0x08, <status>.
  const status = reply.body[0] === 0x08 ? reply.body[1] : 0;
  return status === SERVING
    ? passed(`${address} SERVING`)
    : failed(`${address}: status ${status} (not SERVING)`);
}
