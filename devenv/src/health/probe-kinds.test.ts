import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from './probe.js';
import { PROBE_KIND_DEFINITIONS, PROBE_KINDS, probeKindOf } from './probe-kinds.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

describe('probe kinds', () => {
  it.each(PROBE_KINDS)('%s: what devenv config writes parses back to the same check', (kind) => {
    const definition = probeKindOf(PROBE_KIND_DEFINITIONS[kind].example);
    expect(definition.parse.parse(definition.write(definition.example))).toEqual(
      definition.example,
    );
  });

  it('runs a tcp check against a real listener, and fails once it is gone', async () => {
    const port = await listening(createServer((socket) => socket.end()));
    expect((await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, 2_000, '/')).ok).toBe(true);
    await new Promise((done) => servers.pop()!.close(done));
    expect((await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, 2_000, '/')).ok).toBe(false);
  });

  it('runs an http check: the status asked for passes, another fails', async () => {
    const port = await listening(
      createHttpServer((_, res) => res.writeHead(204).end()) as unknown as Server,
    );
    const url = `http://127.0.0.1:${port}/`;
    expect((await runProbe({ kind: 'http', url, expectStatus: 204 }, 2_000, '/')).ok).toBe(true);
    expect((await runProbe({ kind: 'http', url, expectStatus: 200 }, 2_000, '/')).ok).toBe(false);
  });

  it('runs an exec check in the directory given', async () => {
    const inTmp = ['sh', '-c', 'test "$(pwd)" = /tmp'];
    expect((await runProbe({ kind: 'exec', command: inTmp }, 5_000, '/tmp')).ok).toBe(true);
    expect((await runProbe({ kind: 'exec', command: inTmp }, 5_000, '/')).ok).toBe(false);
  });
});
