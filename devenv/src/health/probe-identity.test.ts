import { createServer, type IncomingHttpHeaders } from 'node:http';
import {
  createServer as createHttp2Server,
  type IncomingHttpHeaders as Http2Headers,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBE_HEADER, PROBE_USER_AGENT } from '../../shared/probe-request.js';
import { probeGrpcHealth } from './grpc-health-probe.js';
import { probeHttp } from './http-probe.js';

/**
 * devenv's probes say who they are (issue #20: the services leave them out of their request
 * logs). Real servers on 127.0.0.1 record what each probe sends.
 */
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

describe('what devenv probes send', () => {
  it('the http probe: x-devenv-probe and its User-Agent', async () => {
    let seen: IncomingHttpHeaders | undefined;
    const server = createServer((req, res) => {
      seen = req.headers;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    expect(await probeHttp(`http://127.0.0.1:${port}/readyz`, undefined, 5_000)).toMatchObject({
      ok: true,
    });
    expect(seen).toMatchObject({ [PROBE_HEADER]: '1', 'user-agent': PROBE_USER_AGENT });
  });

  it('the gRPC health probe: the same as metadata', async () => {
    let seen: Http2Headers | undefined;
    const server = createHttp2Server();
    server.on('stream', (stream, headers) => {
      seen = headers;
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      // HealthCheckResponse { status: SERVING } in one gRPC frame.
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    expect(await probeGrpcHealth(`127.0.0.1:${port}`, '', 5_000)).toMatchObject({ ok: true });
    expect(seen).toMatchObject({ [PROBE_HEADER]: '1', 'user-agent': PROBE_USER_AGENT });
  });
});
