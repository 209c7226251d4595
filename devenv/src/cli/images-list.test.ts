import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialServiceState, type EngineState } from '../engine/service-state.js';
import { NO_PANELS } from '../engine/panels.js';
import { PROJECT_ROOT } from '../project-root.js';
import { useTempDirs } from '../../test/temp-dir.js';
import type { CommandContext } from './command.js';
import {
  imageRow,
  imagesJson,
  imagesTable,
  instancesToList,
  nativeNote,
  quietImageIds,
  type ContainerImage,
  type InspectedImage,
} from './images-list.js';
import { formatG, humanSize, repositoryTagOf } from './images-list-units.js';
import { main } from './main.js';

const makeTempDir = useTempDirs();
const HEX = '0123456789'.repeat(6) + 'abcd';
const OTHER = 'f'.repeat(64);
const NOW = Date.parse('2026-12-05T12:00:00Z');

const busybox: InspectedImage = {
  id: `sha256:${HEX}`,
  repoTags: ['busybox:latest', 'busybox:1.36'],
  repoDigests: [],
  size: 4_260_000,
  created: '2026-12-05T10:00:00.123456789Z',
  os: 'linux',
  architecture: 'amd64',
  variant: '',
  lastTagTime: '2026-12-05T10:00:01.5Z',
};

const container = (overrides: Partial<ContainerImage> = {}): ContainerImage => ({
  containerName: 'imgs-web-abc12345',
  imageId: busybox.id,
  reference: 'busybox',
  image: busybox,
  ...overrides,
});

// Expected values printed by go-units v0.5.0 and distribution/reference v0.6.0 themselves.
describe('humanSize (go-units HumanSizeWithPrecision, 3)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1125, '1.12kB'],
    [1135, '1.14kB'],
    [10_500, '10.5kB'],
    [999_499, '999kB'],
    [999_500, '1e+03kB'],
    [1_000_000, '1MB'],
    [2_050_000, '2.05MB'],
    [4_265_000, '4.26MB'],
    [12_345_678, '12.3MB'],
    [120_000_000, '120MB'],
    [1_500_000_000, '1.5GB'],
    [100_000_000_000, '100GB'],
  ])('%i bytes: %s', (bytes, text) => expect(humanSize(bytes)).toBe(text));

  it("formats as Go's %g does below 1 and past the precision", () => {
    expect(formatG(0.000123, 3)).toBe('0.000123');
    expect(formatG(0.0000123, 3)).toBe('1.23e-05');
    expect(formatG(123456, 3)).toBe('1.23e+05');
    expect(formatG(4.1, 3)).toBe('4.1');
  });
});

describe('repositoryTagOf (ParseDockerRef, FamiliarName)', () => {
  it.each([
    ['busybox', 'busybox', 'latest'],
    ['busybox:1.36', 'busybox', '1.36'],
    ['docker.io/library/busybox:latest', 'busybox', 'latest'],
    ['index.docker.io/library/busybox', 'busybox', 'latest'],
    ['library/busybox', 'busybox', 'latest'],
    ['docker.io/me/app', 'me/app', 'latest'],
    ['localhost/app:1', 'localhost/app', '1'],
    ['localhost:5000/a/b:2', 'localhost:5000/a/b', '2'],
    ['ghcr.io/o/r', 'ghcr.io/o/r', 'latest'],
    ['Upper/app', 'Upper/app', 'latest'],
    [`foo:1@sha256:${HEX}`, 'foo', ''],
    [`foo@sha256:${HEX}`, 'foo', ''],
    [`sha256:${HEX}`, '', ''],
    [HEX, '', ''],
    ['BadName', '', ''],
  ])('%s: %s %s', (reference, repository, tag) =>
    expect(repositoryTagOf(reference)).toMatchObject({ repository, tag }),
  );
});

describe('imageRow', () => {
  it("names the container's reference while it is the image's, with the image's figures", () => {
    expect(imageRow(container())).toEqual({
      ID: busybox.id,
      ContainerName: 'imgs-web-abc12345',
      Repository: 'busybox',
      Tag: 'latest',
      Platform: 'linux/amd64',
      Size: 4_260_000,
      Created: busybox.created,
      LastTagTime: busybox.lastTagTime,
    });
  });

  it('shows no repository or tag once the tag moved to another image, as the Engine then reports the id', () => {
    const moved = imageRow(container({ image: { ...busybox, repoTags: ['busybox:1.36'] } }));
    expect(moved).toMatchObject({ Repository: '', Tag: '' });
  });

  it('a digest reference names the repository without a tag when the image has that digest', () => {
    const digest = `busybox@sha256:${OTHER}`;
    const pinned = container({ reference: digest, image: { ...busybox, repoDigests: [digest] } });
    expect(imageRow(pinned)).toMatchObject({ Repository: 'busybox', Tag: '' });
  });

  it('leaves out a zero LastTagTime and an unknown Created, and writes a variant', () => {
    const row = imageRow(
      container({
        image: {
          ...busybox,
          created: '',
          lastTagTime: '0001-01-01T00:00:00Z',
          architecture: 'arm',
          variant: 'v7',
        },
      }),
    );
    expect(row).not.toHaveProperty('Created');
    expect(row).not.toHaveProperty('LastTagTime');
    expect(row.Platform).toBe('linux/arm/v7');
  });

  it("an image removed under its container: the container's image id, nothing else known", () => {
    expect(imageRow(container({ image: undefined, imageId: `sha256:${OTHER}` }))).toEqual({
      ID: `sha256:${OTHER}`,
      ContainerName: 'imgs-web-abc12345',
      Repository: '',
      Tag: '',
      Platform: 'unknown',
      Size: 0,
    });
  });
});

describe('rendering', () => {
  const rows = [
    imageRow(container({ containerName: 'imgs-a-very-long-container-name-1' })),
    imageRow(container({ containerName: 'imgs-db-1', image: undefined, imageId: OTHER })),
  ];

  it("is Compose's table, aligned as Go's tabwriter aligns it (minwidth 20, padding 3)", () => {
    // Printed by Go's text/tabwriter with Compose's settings and these cells.
    expect(imagesTable(rows, NOW)).toEqual([
      'CONTAINER                           REPOSITORY          TAG                 PLATFORM            IMAGE ID            SIZE                CREATED',
      `imgs-a-very-long-container-name-1   busybox             latest              linux/amd64         ${HEX.slice(0, 12)}        4.26MB              2 hours ago`,
      'imgs-db-1                           <none>              <none>              unknown             ffffffffffff        0B                  N/A',
    ]);
  });

  it('with no container, only the titles', () => {
    expect(imagesTable([], NOW)).toEqual([
      'CONTAINER           REPOSITORY          TAG                 PLATFORM            IMAGE ID            SIZE                CREATED',
    ]);
  });

  it("json: an array on one line with Compose's field names in its order", () => {
    const json = imagesJson(rows);
    expect(json).not.toContain('\n');
    expect(Object.keys((JSON.parse(json) as object[])[0]!)).toEqual([
      'ID',
      'ContainerName',
      'Repository',
      'Tag',
      'Platform',
      'Size',
      'Created',
      'LastTagTime',
    ]);
    expect(imagesJson([])).toBe('[]');
  });

  it('-q: whole ids without their algorithm, each once', () => {
    expect(quietImageIds([...rows, rows[0]!])).toEqual([HEX, OTHER]);
  });
});

describe('instancesToList', () => {
  const state = (
    services: Record<string, { runtime?: 'docker' | 'native'; containerId?: string }>,
  ): EngineState => ({
    services: Object.fromEntries(
      Object.entries(services).map(([name, s]) => [
        name,
        { ...initialServiceState(name), runtime: s.runtime, containerId: s.containerId },
      ]),
    ),
    order: Object.keys(services),
    shuttingDown: false,
    panels: NO_PANELS,
  });
  const running = state({
    db: { runtime: 'native' },
    'web-1': { runtime: 'docker', containerId: 'c1' },
    'web-2': { runtime: 'docker', containerId: 'c2' },
    waiting: { runtime: 'docker' },
    pending: {},
  });
  const serviceOf = (name: string) => name.replace(/-\d+$/, '');

  it('containers with an id, and apart the services that run natively', () => {
    expect(instancesToList(running, serviceOf, [])).toEqual({
      containers: [
        { name: 'web-1', containerId: 'c1' },
        { name: 'web-2', containerId: 'c2' },
      ],
      native: ['db'],
    });
    expect(nativeNote(['db'])).toEqual(['run natively, without an image: db']);
    expect(nativeNote([])).toEqual([]);
  });

  it('a service names its replicas; a replica itself', () => {
    expect(instancesToList(running, serviceOf, ['web']).containers).toHaveLength(2);
    expect(instancesToList(running, serviceOf, ['web-2'])).toEqual({
      containers: [{ name: 'web-2', containerId: 'c2' }],
      native: [],
    });
  });
});

async function images(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const ctx: CommandContext = {
    projectRoot: PROJECT_ROOT,
    env: {},
    stdout: {},
    out: (text) => out.push(text),
    err: (text) => errors.push(text),
  };
  const code = await main(['images', ...args], ctx);
  return { code, stdout: out.join('\n'), stderr: errors.join('\n') };
}

describe('devenv images: which command', () => {
  it('lists with no command, naming services; with no devenv running, an empty table and why', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, 'name: imgs-idle\nservices:\n  web:\n    image: busybox\n');
    const table = await images(['-f', file]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')).toEqual([
      expect.stringMatching(/^CONTAINER {11}REPOSITORY/),
      'nothing runs: no devenv runs this stack (start it with `npm run dev` or `devenv up`)',
    ]);
    expect(await images(['web', '--format', 'json', '-f', file])).toMatchObject({
      code: 0,
      stdout: '[]',
    });
    expect(await images(['-q', '-f', file])).toMatchObject({ code: 0, stdout: '' });
    const unknown = await images(['nosuch', '-f', file]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'devenv images: no such service: nosuch' });
  });

  it("refuses the listing's flags with bootstrap or build, and theirs without", async () => {
    const quiet = await images(['build', '-q']);
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toContain('-q goes with the listing');
    const force = await images(['--force']);
    expect(force.code).toBe(2);
    expect(force.stderr).toContain('--force goes with bootstrap or build');
    const format = await images(['--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format yaml: expected table or json');
    const extra = await images(['bootstrap', 'web']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "web"');
  });
});
