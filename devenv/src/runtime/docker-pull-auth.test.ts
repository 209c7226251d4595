import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAuth, registryOf } from './docker-pull-auth.js';

describe('registryOf: the registry an image names', () => {
  it.each([
    ['redis:7', 'docker.io'],
    ['library/redis', 'docker.io'],
    ['grafana/loki:3.5.8', 'docker.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/app:dev', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
  ])('%s → %s', (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });
});

describe("registryAuth: what `docker login` stored, as the Engine's X-Registry-Auth", () => {
  let dir: string;
  const basic = (user: string, password: string) =>
    Buffer.from(`${user}:${password}`).toString('base64');
  const decoded = (auth: { key: string } | undefined) =>
    auth && (JSON.parse(Buffer.from(auth.key, 'base64url').toString('utf8')) as unknown);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-docker-config-'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: basic('hubuser', 'hub:secret') },
          'ghcr.io': { auth: basic('octo', 'token') },
          'helper.example': {},
        },
        credsStore: 'desktop',
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Docker Hub images take the index.docker.io entry; a colon in the password survives', async () => {
    expect(decoded(await registryAuth('redis:7', { DOCKER_CONFIG: dir }))).toEqual({
      username: 'hubuser',
      password: 'hub:secret',
      serveraddress: 'https://index.docker.io/v1/',
    });
  });

  it('another registry takes its own entry', async () => {
    expect(decoded(await registryAuth('ghcr.io/org/app:1', { DOCKER_CONFIG: dir }))).toEqual({
      username: 'octo',
      password: 'token',
      serveraddress: 'ghcr.io',
    });
  });

  it('none for a registry without a stored login, a helper-only entry, or no config file', async () => {
    expect(await registryAuth('quay.io/x/y', { DOCKER_CONFIG: dir })).toBeUndefined();
    expect(await registryAuth('helper.example/x', { DOCKER_CONFIG: dir })).toBeUndefined();
    expect(await registryAuth('redis:7', { DOCKER_CONFIG: join(dir, 'nope') })).toBeUndefined();
  });
});
