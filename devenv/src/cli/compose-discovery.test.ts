import { describe, expect, it } from 'vitest';
import {
  discoverComposeFiles,
  profilesFromVariable,
  type ComposeFileSearch,
} from './compose-discovery.js';

const ROOT = '/work/devenv';

function search(
  files: readonly string[],
  overrides: Partial<ComposeFileSearch> = {},
): ReturnType<typeof discoverComposeFiles> {
  const present = new Set(files);
  return discoverComposeFiles({
    flagFiles: undefined,
    variables: {},
    cwd: '/home/ada/shop/api',
    projectRoot: ROOT,
    platform: 'linux',
    exists: (path) => present.has(path),
    ...overrides,
  });
}

describe('discoverComposeFiles: which files a command reads, as docker compose picks them', () => {
  it('-f wins, relative to the working directory', () => {
    expect(
      search(['/home/ada/shop/api/compose.yaml'], { flagFiles: ['a.yaml', '/x/b.yaml'] }),
    ).toEqual({
      files: ['/home/ada/shop/api/a.yaml', '/x/b.yaml'],
      warnings: [],
    });
  });

  it('then COMPOSE_FILE, split on COMPOSE_PATH_SEPARATOR (default : and ; on Windows)', () => {
    const variables = { COMPOSE_FILE: 'compose.yaml:../extra.yaml' };
    expect(search([], { variables }).files).toEqual([
      '/home/ada/shop/api/compose.yaml',
      '/home/ada/shop/extra.yaml',
    ]);
    expect(
      search([], { variables: { COMPOSE_FILE: 'a.yaml|b.yaml', COMPOSE_PATH_SEPARATOR: '|' } })
        .files,
    ).toEqual(['/home/ada/shop/api/a.yaml', '/home/ada/shop/api/b.yaml']);
    expect(
      search([], { variables: { COMPOSE_FILE: 'a.yaml;b.yaml' }, platform: 'win32' }).files,
    ).toHaveLength(2);
    // Set but empty: as if unset.
    expect(search([], { variables: { COMPOSE_FILE: '' } }).files).toEqual([
      `${ROOT}/compose/compose.yaml`,
    ]);
  });

  it('then the nearest directory upwards with a Compose file, with its override file', () => {
    const found = search([
      '/home/ada/shop/compose.yaml',
      '/home/ada/shop/compose.override.yaml',
      '/home/ada/compose.yaml',
    ]);
    expect(found).toEqual({
      files: ['/home/ada/shop/compose.yaml', '/home/ada/shop/compose.override.yaml'],
      warnings: [],
    });
  });

  it('prefers compose.yaml to the older names, and says so when several are there', () => {
    const found = search([
      '/home/ada/shop/api/docker-compose.yml',
      '/home/ada/shop/api/compose.yaml',
      '/home/ada/shop/api/docker-compose.override.yml',
      '/home/ada/shop/api/compose.override.yml',
    ]);
    expect(found.files).toEqual([
      '/home/ada/shop/api/compose.yaml',
      '/home/ada/shop/api/compose.override.yml',
    ]);
    expect(found.warnings).toEqual([
      'found several Compose files in /home/ada/shop/api: /home/ada/shop/api/compose.yaml, /home/ada/shop/api/docker-compose.yml; using /home/ada/shop/api/compose.yaml',
      'found several override files in /home/ada/shop/api: /home/ada/shop/api/compose.override.yml, /home/ada/shop/api/docker-compose.override.yml; using /home/ada/shop/api/compose.override.yml',
    ]);
  });

  it("inside devenv's own project: its stack unless a directory below the root has a Compose file", () => {
    const above = ['/work/compose.yaml'];
    expect(search(above, { cwd: `${ROOT}/workers` }).files).toEqual([
      `${ROOT}/compose/compose.yaml`,
    ]);
    expect(search(above, { cwd: ROOT }).files).toEqual([`${ROOT}/compose/compose.yaml`]);
    expect(search([`${ROOT}/compose/compose.yaml`], { cwd: `${ROOT}/compose` }).files).toEqual([
      `${ROOT}/compose/compose.yaml`,
    ]);
    // A sibling directory whose name starts like the root's is not inside it.
    expect(search(above, { cwd: '/work/devenv-other' }).files).toEqual(['/work/compose.yaml']);
  });

  it("nothing found anywhere: devenv's own stack", () => {
    expect(search([]).files).toEqual([`${ROOT}/compose/compose.yaml`]);
  });
});

describe('profilesFromVariable (COMPOSE_PROFILES)', () => {
  it('splits on commas and drops blanks', () => {
    expect(profilesFromVariable('debug, observability,,')).toEqual(['debug', 'observability']);
    expect(profilesFromVariable(undefined)).toEqual([]);
  });
});
