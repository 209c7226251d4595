import { describe, expect, it } from 'vitest';
import {
  configDigestOf,
  contentTarget,
  imagesMissingFrom,
  normalizeImageRef,
  parseCtrImageList,
  type ContainerdLookups,
} from './containerd-images.js';

describe('normalizeImageRef: the name containerd gives an image docker save exported', () => {
  it.each([
    ['time-cop/dispatcher:dev', 'docker.io/time-cop/dispatcher:dev'],
    ['postgres:16', 'docker.io/library/postgres:16'],
    ['postgres', 'docker.io/library/postgres:latest'],
    ['registry.local:5000/a/b:1', 'registry.local:5000/a/b:1'],
    ['localhost/app', 'localhost/app:latest'],
    ['ghcr.io/x/y@sha256:ab', 'ghcr.io/x/y@sha256:ab'],
  ])('%s → %s', (ref, normalized) => expect(normalizeImageRef(ref)).toBe(normalized));
});

const LISTING = `REF                                   TYPE                                       DIGEST                                                                  SIZE     PLATFORMS   LABELS
docker.io/time-cop/dispatcher:dev     application/vnd.oci.image.index.v1+json    sha256:1111111111111111111111111111111111111111111111111111111111111111 92.1 MiB linux/amd64 io.cri-containerd.image=managed
docker.io/library/postgres:16         application/vnd.oci.image.manifest.v1+json sha256:2222222222222222222222222222222222222222222222222222222222222222 150.0 MiB linux/amd64 -
sha256:3333333333333333333333333333333333333333333333333333333333333333 application/vnd.oci.image.manifest.v1+json sha256:2222222222222222222222222222222222222222222222222222222222222222 150.0 MiB linux/amd64 -
`;

describe('reading what containerd holds', () => {
  it('lists references with their target digests, whatever the size column holds', () => {
    expect(parseCtrImageList(LISTING).get('docker.io/time-cop/dispatcher:dev')).toBe(
      `sha256:${'1'.repeat(64)}`,
    );
    expect(parseCtrImageList(LISTING).size).toBe(3);
    expect(parseCtrImageList('').size).toBe(0);
  });

  it('finds a manifest’s config and an index’s manifests for this platform first', () => {
    expect(contentTarget('{"config":{"digest":"sha256:c"}}', 'amd64')).toEqual({
      kind: 'config',
      digest: 'sha256:c',
    });
    const index = JSON.stringify({
      manifests: [
        { digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } },
        { digest: 'sha256:att' },
        { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } },
      ],
    });
    expect(contentTarget(index, 'amd64')).toEqual({
      kind: 'manifests',
      digests: ['sha256:amd', 'sha256:att'],
    });
    expect(contentTarget('not json', 'amd64')).toEqual({ kind: 'unknown' });
  });
});

function lookups(blobs: Readonly<Record<string, string>>, listing = LISTING): ContainerdLookups {
  return {
    listImages: async () => listing,
    readContent: async (digest) => blobs[digest],
  };
}

const BLOBS = {
  [`sha256:${'1'.repeat(64)}`]: JSON.stringify({
    manifests: [{ digest: 'sha256:m1', platform: { os: 'linux', architecture: 'amd64' } }],
  }),
  'sha256:m1': JSON.stringify({ config: { digest: 'sha256:dispatcher-id' } }),
  [`sha256:${'2'.repeat(64)}`]: JSON.stringify({ config: { digest: 'sha256:postgres-id' } }),
};

describe('imagesMissingFrom: what an import must still bring', () => {
  it('follows an index to the config digest', async () => {
    expect(await configDigestOf(`sha256:${'1'.repeat(64)}`, lookups(BLOBS), 'amd64')).toBe(
      'sha256:dispatcher-id',
    );
  });

  it('skips an image held with the same id; brings a changed one, an absent one, one without its blobs', async () => {
    const images = [
      { ref: 'time-cop/dispatcher:dev', id: 'sha256:dispatcher-id' },
      { ref: 'postgres:16', id: 'sha256:postgres-rebuilt' },
      { ref: 'time-cop/worker-python:dev', id: 'sha256:w' },
    ];
    expect(await imagesMissingFrom(images, lookups(BLOBS), 'amd64')).toEqual([
      'postgres:16',
      'time-cop/worker-python:dev',
    ]);
    expect(await imagesMissingFrom(images.slice(0, 1), lookups({}), 'amd64')).toEqual([
      'time-cop/dispatcher:dev',
    ]);
  });

  it('brings everything when containerd cannot be listed', async () => {
    const unlisted: ContainerdLookups = {
      listImages: async () => undefined,
      readContent: async () => undefined,
    };
    const images = [{ ref: 'time-cop/dispatcher:dev', id: 'sha256:dispatcher-id' }];
    expect(await imagesMissingFrom(images, unlisted, 'amd64')).toEqual(['time-cop/dispatcher:dev']);
  });
});
