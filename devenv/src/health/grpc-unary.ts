import { connect, constants } from 'node:http2';
import { PROBE_HEADER, PROBE_USER_AGENT } from '../../shared/probe-request.js';
import { messageOf } from '../../shared/result.js';

export type GrpcReply =
  | { readonly ok: true; readonly status: number; readonly message: string; readonly body: Buffer }
  | { readonly ok: false; readonly error: string };

/**
 * One unary gRPC call over plain HTTP/2 with an already-encoded protobuf request: enough for
 * health checks without generated stubs. `status` is the grpc-status (0 = OK).
 */
export function grpcUnary(
  address: string,
  path: string,
  request: Buffer,
  timeoutMs: number,
): Promise<GrpcReply> {
  return new Promise((resolve) => {
    let settled = false;
    const session = connect(`http://${address}`);
    const finish = (reply: GrpcReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(reply);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    session.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, error: error.code ?? error.message }),
    );
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1);
    request.copy(frame, 5);
    try {
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
        // Only health checks go through here: marked as devenv's probes, as the http probe's are.
        [PROBE_HEADER]: '1',
        'user-agent': PROBE_USER_AGENT,
      });
      const chunks: Buffer[] = [];
      let headers: Record<string, unknown> = {};
      stream.on('response', (h) => (headers = h));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('trailers', (t) => (headers = { ...headers, ...t }));
      stream.on('error', (error) => finish({ ok: false, error: messageOf(error) }));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        finish({
          ok: true,
          status: Number(headers['grpc-status'] ?? -1),
          message: decodeURIComponent(String(headers['grpc-message'] ?? '')),
          body: data.length >= 5 ? data.subarray(5, 5 + data.readUInt32BE(1)) : Buffer.alloc(0),
        });
      });
      stream.end(frame);
    } catch (error) {
      finish({ ok: false, error: messageOf(error) });
    }
  });
}

/** A protobuf message with one string field (number 1): the shape of both health requests used here. */
export function encodeStringField1(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length: number[] = [];
  let n = bytes.length;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x0a, ...length]), bytes]);
}
