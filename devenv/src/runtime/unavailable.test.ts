import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import type { ServiceSpec } from '../model/stack.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { nativeRuntime } from './native.js';
import { describeUnavailable, type Unavailable } from './unavailable.js';

const noTools: Toolchain = {
  find: () => Promise.reject(new Error('no tools in this test')),
  ensure: () => Promise.reject(new Error('no tools in this test')),
};

// The messages are the ones the runtimes' checks wrote as strings before they had reasons.
const TABLE: readonly [Unavailable, string][] = [
  [{ reason: 'no-native-command' }, 'no x-devenv.native command: it runs only as a container'],
  [{ reason: 'empty-native-command' }, 'x-devenv.native.command is empty'],
  [{ reason: 'not-on-path', command: 'api' }, '"api" is not on PATH'],
  [
    { reason: 'engine-silent', silence: { reason: 'no-answer-in-time', timeoutMs: 3_000 } },
    'the Docker Engine did not answer within 3 s: start it (`sudo systemctl start docker`, or `sudo dockerd &`), or run the service with --runtime native',
  ],
  [
    { reason: 'engine-silent', silence: { reason: 'call-failed', message: 'connect ENOENT' } },
    'the Docker Engine does not answer (connect ENOENT): start it (`sudo systemctl start docker`, or `sudo dockerd &`), or run the service with --runtime native',
  ],
  [
    { reason: 'dockerfile-missing', dockerfile: '/p/Dockerfile' },
    'cannot build: /p/Dockerfile does not exist (build.context / build.dockerfile)',
  ],
  [
    { reason: 'nothing-to-run' },
    'the service has neither image: nor build:, so there is nothing to run',
  ],
  [
    { reason: 'image-missing', image: 'api:dev' },
    'image api:dev is not present locally: pull it (`npx devenv pull`), build or load it (`docker build -t api:dev <dir>` or `docker load -i <file>`), or give the service a build: section',
  ],
  [
    { reason: 'image-volume-missing', image: 'assets:1', target: '/mnt' },
    'image assets:1, mounted at /mnt (volumes, type: image), is not present locally, and devenv never pulls: build or load it first',
  ],
  [
    { reason: 'build-invalid', detail: 'build: ssh is not supported' },
    'build: ssh is not supported',
  ],
  [
    { reason: 'engine-refused', detail: 'cannot inspect image x: 500' },
    'cannot inspect image x: 500',
  ],
];

describe('describeUnavailable', () => {
  it.each(TABLE)('%o reads as %s', (why, message) => {
    expect(describeUnavailable(why)).toBe(message);
  });
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function nativeSpec(command: readonly string[], edit: Partial<ServiceSpec> = {}): ServiceSpec {
  return { ...testStack('/tmp', { svc: { command } }).services['svc']!, ...edit };
}

describe('the native check', () => {
  const runtime = nativeRuntime(noTools);

  it('names a command that is not on PATH', async () => {
    const result = await runtime.check(nativeSpec(['devenv-no-such-command']));
    expect(result).toEqual({
      ok: false,
      error: { reason: 'not-on-path', command: 'devenv-no-such-command' },
    });
  });

  it('names the port another process holds', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const result = await runtime.check(
      nativeSpec([process.execPath], {
        ports: [{ host: port, container: port, protocol: 'tcp', hostIp: undefined }],
      }),
    );
    expect(result.ok ? undefined : result.error).toMatchObject({ reason: 'port-taken', port });
    if (!result.ok) expect(describeUnavailable(result.error)).toContain(String(port));
  });
});
