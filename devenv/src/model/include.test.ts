import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { loadStack } from './load-stack.js';
import type { Stack } from './stack.js';

/** Real files in a temporary directory, loaded the way `devenv -f compose.yaml` loads them. */
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function project(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'devenv-include-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function stackOf(
  files: Readonly<Record<string, string>>,
  env: Record<string, string> = {},
): Promise<{ root: string; stack: Stack }> {
  const root = await project(files);
  const result = await loadStack({ files: ['compose.yaml'], cwd: root, env });
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return { root, stack: result.value };
}

async function errors(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await project(files);
  const result = await loadStack({ files: ['compose.yaml'], cwd: root, env: {} });
  if (result.ok) throw new Error('expected diagnostics');
  return result.error.map(formatDiagnostic).join('\n');
}

describe('include', () => {
  it('adds the included services, with paths relative to the included project', async () => {
    const { root, stack } = await stackOf({
      'compose.yaml':
        'include: [db/compose.yaml]\nservices:\n  app:\n    image: app\n    depends_on: [db]\n',
      'db/compose.yaml':
        'services:\n  db:\n    build: .\n    env_file: db.env\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n',
      'db/db.env': 'POSTGRES_DB=app\n',
    });
    expect(Object.keys(stack.services).sort()).toEqual(['app', 'db']);
    expect(stack.startOrder).toEqual(['db', 'app']);
    const db = stack.services['db'];
    expect(db?.build?.['context']).toBe(join(root, 'db'));
    expect(db?.environment).toEqual({ POSTGRES_DB: 'app' });
    expect(db?.volumes[0]).toMatchObject({ source: join(root, 'db/init') });
    expect(stack.document['include']).toBeUndefined();
  });

  it.each([
    {
      rule: 'the included project .env fills in what the including project leaves unset',
      include: 'include: [sub/compose.yaml]',
      env: {},
      expected: { image: 'from-sub-dotenv:1', env: 'sub' },
    },
    {
      rule: "the including project's environment wins over the included .env",
      include: 'include: [sub/compose.yaml]',
      env: { TAG: '2', WHO: 'parent' },
      expected: { image: 'from-sub-dotenv:2', env: 'parent' },
    },
    {
      rule: 'env_file replaces the included .env, relative to the including file',
      include: 'include:\n  - path: sub/compose.yaml\n    env_file: [other.env]',
      env: {},
      expected: { image: 'from-sub-dotenv:other', env: 'other' },
    },
    {
      rule: 'project_directory is where the included relative paths resolve',
      include: 'include:\n  - path: [sub/compose.yaml]\n    project_directory: elsewhere',
      env: {},
      expected: { image: 'from-sub-dotenv:else', env: 'else', context: 'elsewhere/ctx' },
    },
  ])('$rule', async ({ include, env, expected }) => {
    const { root, stack } = await stackOf(
      {
        'compose.yaml': `${include}\nservices:\n  app: {image: app}\n`,
        'sub/compose.yaml':
          'services:\n  svc:\n    image: "from-sub-dotenv:${TAG}"\n    build: ctx\n    environment: [WHO]\n',
        'sub/.env': 'TAG=1\nWHO=sub\n',
        'other.env': 'TAG=other\nWHO=other\n',
        'elsewhere/.env': 'TAG=else\nWHO=else\n',
      },
      env,
    );
    const svc = stack.services['svc'];
    expect(svc?.image).toBe(expected.image);
    expect(svc?.environment['WHO']).toBe(expected.env);
    expect(svc?.build?.['context']).toBe(join(root, expected.context ?? 'sub/ctx'));
  });

  it('merges a service defined on both sides, this side over the included one', async () => {
    const { stack } = await stackOf({
      'compose.yaml':
        'include: [sub/compose.yaml]\nservices:\n  db:\n    environment: {B: "2"}\n    command: [own]\n',
      'sub/compose.yaml':
        'services:\n  db:\n    image: postgres\n    environment: {A: "1"}\n    command: [theirs]\n',
    });
    expect(stack.services['db']).toMatchObject({
      image: 'postgres',
      environment: { A: '1', B: '2' },
      command: ['own'],
    });
  });

  it('lets a service extend an included one, and a path list merge as -f files', async () => {
    const { stack } = await stackOf({
      'compose.yaml':
        'include:\n  - path: [sub/compose.yaml, sub/override.yaml]\nservices:\n  app:\n    extends: base\n',
      'sub/compose.yaml': 'services:\n  base:\n    image: base:1\n    environment: [A=1]\n',
      'sub/override.yaml': 'services:\n  base:\n    environment: [B=2]\n',
    });
    expect(stack.services['app']).toMatchObject({
      image: 'base:1',
      environment: { A: '1', B: '2' },
    });
  });

  it('includes an included project’s includes, each relative to its own directory', async () => {
    const { stack } = await stackOf({
      'compose.yaml': 'include: [a/compose.yaml]\nservices: {}\n',
      'a/compose.yaml': 'include: [b/compose.yaml]\nservices:\n  a: {image: a}\n',
      'a/b/compose.yaml': 'services:\n  b: {image: b}\n',
    });
    expect(Object.keys(stack.services).sort()).toEqual(['a', 'b']);
  });
});

describe('include errors, positioned where the include is written', () => {
  it.each([
    {
      problem: 'a cycle, with its chain',
      files: {
        'compose.yaml': 'include: [a/compose.yaml]\nservices:\n  x: {image: x}\n',
        'a/compose.yaml': 'include: [../compose.yaml]\nservices:\n  y: {image: y}\n',
      },
      expected: 'a/compose.yaml:1:11: include cycle: compose.yaml → a/compose.yaml → compose.yaml',
    },
    {
      problem: 'a file including itself',
      files: { 'compose.yaml': 'include:\n  - compose.yaml\nservices:\n  x: {image: x}\n' },
      expected: 'compose.yaml:2:5: include cycle: compose.yaml → compose.yaml',
    },
    {
      problem: 'a remote git source',
      files: {
        'compose.yaml': 'include:\n  - git@github.com:org/repo.git\nservices:\n  x: {image: x}\n',
      },
      expected:
        'compose.yaml:2:5: include of a remote project (git@github.com:org/repo.git) is not supported by devenv',
    },
    {
      problem: 'a remote OCI source',
      files: {
        'compose.yaml': 'include:\n  - path: oci://docker.io/org/app:1\nservices: {}\n',
      },
      expected: 'compose.yaml:2:11: include of a remote project (oci://docker.io/org/app:1)',
    },
    {
      problem: 'a file that does not exist',
      files: { 'compose.yaml': 'include:\n  - path: gone.yaml\nservices: {}\n' },
      expected: 'compose.yaml:2:11: gone.yaml does not exist',
    },
    {
      problem: 'an env_file that does not exist',
      files: {
        'compose.yaml':
          'include:\n  - path: sub/compose.yaml\n    env_file: missing.env\nservices: {}\n',
        'sub/compose.yaml': 'services:\n  s: {image: s}\n',
      },
      expected: 'compose.yaml:3:15: env file missing.env does not exist',
    },
    {
      problem: 'include that is not a list',
      files: { 'compose.yaml': 'include: sub/compose.yaml\nservices: {}\n' },
      expected: 'compose.yaml:1:10: include must be a list',
    },
    {
      problem: 'an unknown key in an entry',
      files: { 'compose.yaml': 'include:\n  - path: a.yaml\n    env_files: x\nservices: {}\n' },
      expected: 'compose.yaml:3:5: unknown key "env_files" in include\n  → did you mean env_file?',
    },
    {
      problem: 'an entry without a path',
      files: { 'compose.yaml': 'include:\n  - project_directory: .\nservices: {}\n' },
      expected: 'compose.yaml:2:5: include entry has no path',
    },
    {
      problem: 'a problem inside the included file, positioned there',
      files: {
        'compose.yaml': 'include: [sub/compose.yaml]\nservices: {}\n',
        'sub/compose.yaml': 'services:\n  s:\n    image: s\n    restart: sometimes\n',
      },
      expected: 'sub/compose.yaml:4:14: services.s.restart',
    },
  ])('$problem', async ({ files, expected }) => {
    expect(await errors(files)).toContain(expected);
  });
});
