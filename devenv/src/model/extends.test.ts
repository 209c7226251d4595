import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { loadStack } from './load-stack.js';
import type { ServiceSpec, Stack } from './stack.js';

/** Real files in a temporary directory, loaded the way `devenv -f compose.yaml` loads them. */
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function project(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'devenv-extends-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function load(root: string, env: Record<string, string> = {}) {
  return loadStack({ files: ['compose.yaml'], cwd: root, env });
}

async function services(files: Readonly<Record<string, string>>): Promise<{
  root: string;
  stack: Stack;
  service: (name: string) => ServiceSpec;
}> {
  const root = await project(files);
  const result = await load(root);
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  const stack = result.value;
  return { root, stack, service: (name) => stack.services[name] as ServiceSpec };
}

async function errors(files: Readonly<Record<string, string>>): Promise<string[]> {
  const result = await load(await project(files));
  if (result.ok) throw new Error('expected diagnostics');
  return result.error.map(formatDiagnostic);
}

describe('extends in the same file', () => {
  it.each([
    {
      rule: 'scalars: the extending service wins, the rest is inherited',
      base: 'image: base:1\n    restart: always',
      own: 'image: own:2',
      check: (s: ServiceSpec) => [s.image, s.restart],
      expected: ['own:2', 'always'],
    },
    {
      rule: 'environment merges by key, list and mapping forms alike',
      base: 'environment: [A=1, B=2]',
      own: 'environment: {B: "3", C: "4"}',
      check: (s: ServiceSpec) => s.environment,
      expected: { A: '1', B: '3', C: '4' },
    },
    {
      rule: 'ports append, an exact repeat once',
      base: 'ports: ["80"]',
      own: 'ports: ["80", "90"]',
      check: (s: ServiceSpec) => s.ports.map((p) => p.container),
      expected: [80, 90],
    },
    {
      rule: 'command is replaced, not appended',
      base: 'command: [node, a.js]',
      own: 'command: [node, b.js]',
      check: (s: ServiceSpec) => s.command,
      expected: ['node', 'b.js'],
    },
    {
      rule: 'volumes merge by container path',
      base: 'volumes: ["./a:/data", "./logs:/logs"]',
      own: 'volumes: ["./b:/data"]',
      check: (s: ServiceSpec) => s.volumes.map((v) => ('source' in v ? v.source : v.type)),
      expected: ['/b', '/logs'],
    },
    {
      rule: 'depends_on merges the list form with the mapping form',
      base: 'depends_on: [db]',
      own: 'depends_on: {cache: {condition: service_started}}',
      check: (s: ServiceSpec) => Object.keys(s.dependsOn).sort(),
      expected: ['cache', 'db'],
    },
    {
      rule: '!reset clears what the base set',
      base: 'ports: ["80"]',
      own: 'ports: !reset []',
      check: (s: ServiceSpec) => s.ports,
      expected: [],
    },
    {
      rule: '!override replaces instead of merging',
      base: 'environment: {A: "1", B: "2"}',
      own: 'environment: !override {C: "3"}',
      check: (s: ServiceSpec) => s.environment,
      expected: { C: '3' },
    },
  ])('$rule', async ({ base, own, check, expected }) => {
    const { service, root } = await services({
      'compose.yaml': `services:\n  base:\n    ${base.includes('image:') ? '' : 'image: base:1\n    '}${base}\n  app:\n    extends: base\n    ${own}\n  db: {image: db}\n  cache: {image: cache}\n`,
    });
    const value = check(service('app'));
    // Bind sources are absolute: compare them relative to the project.
    expect(JSON.parse(JSON.stringify(value).replaceAll(root, ''))).toEqual(expected);
  });

  it('resolves chains in any order of definition', async () => {
    const { service } = await services({
      'compose.yaml':
        'services:\n  c:\n    extends: b\n    environment: [C=3]\n  b:\n    extends: a\n    environment: [B=2]\n  a:\n    image: a\n    environment: [A=1]\n',
    });
    expect(service('c').image).toBe('a');
    expect(service('c').environment).toEqual({ A: '1', B: '2', C: '3' });
    expect(service('b').environment).toEqual({ A: '1', B: '2' });
  });
});

describe('extends from another file', () => {
  it('resolves the extended file relative to the extending one, and its paths to its own directory', async () => {
    const { service, root } = await services({
      'compose.yaml':
        'services:\n  app:\n    extends: {file: common/base.yaml, service: web}\n    environment: [OWN=1]\n',
      'common/base.yaml':
        'services:\n  web:\n    extends: {file: ../shared/root.yaml, service: root}\n    build: ./web\n    env_file: web.env\n    volumes: ["./html:/usr/share/html"]\n',
      'common/web.env': 'FROM_ENV_FILE=yes\n',
      'shared/root.yaml':
        'services:\n  root:\n    image: nginx\n    volumes: ["./conf:/etc/nginx"]\n',
    });
    const app = service('app');
    expect(app.image).toBe('nginx');
    expect(app.build?.['context']).toBe(join(root, 'common/web'));
    expect(app.environment).toEqual({ FROM_ENV_FILE: 'yes', OWN: '1' });
    expect(app.volumes.map((v) => ('source' in v ? v.source : ''))).toEqual([
      join(root, 'shared/conf'),
      join(root, 'common/html'),
    ]);
  });

  it('interpolates the extended file with the project environment', async () => {
    const root = await project({
      'compose.yaml': 'services:\n  app:\n    extends: {file: base.yaml, service: web}\n',
      'base.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n',
    });
    const result = await load(root, { TAG: '1.27' });
    expect(result.ok && result.value.services['app']?.image).toBe('nginx:1.27');
  });
});

describe('extends errors, positioned where the extends is written', () => {
  it.each([
    {
      problem: 'a cycle in one file, with its chain',
      files: {
        'compose.yaml':
          'services:\n  a:\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n    image: x\n',
      },
      expected:
        'compose.yaml:7:5: extends cycle: a (compose.yaml) → b (compose.yaml) → c (compose.yaml) → a (compose.yaml)',
    },
    {
      problem: 'a cycle across files',
      files: {
        'compose.yaml': 'services:\n  a:\n    extends: {file: other.yaml, service: b}\n',
        'other.yaml': 'services:\n  b:\n    extends: {file: compose.yaml, service: a}\n',
      },
      expected:
        'other.yaml:3:5: extends cycle: a (compose.yaml) → b (other.yaml) → a (compose.yaml)',
    },
    {
      problem: 'a service that is not defined',
      files: { 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: nope\n' },
      expected: 'compose.yaml:4:14: service "a" extends "nope", which is not defined',
    },
    {
      problem: 'a service missing from the other file',
      files: {
        'compose.yaml':
          'services:\n  a:\n    extends:\n      file: other.yaml\n      service: nope\n',
        'other.yaml': 'services:\n  b: {image: b}\n',
      },
      expected: 'compose.yaml:5:16: service "a" extends "nope", which is not defined in other.yaml',
    },
    {
      problem: 'a file that does not exist',
      files: {
        'compose.yaml': 'services:\n  a:\n    extends:\n      service: b\n      file: gone.yaml\n',
      },
      expected: 'compose.yaml:5:13: gone.yaml does not exist',
    },
    {
      problem: 'a remote file',
      files: {
        'compose.yaml':
          'services:\n  a:\n    extends:\n      service: b\n      file: https://example.com/c.yaml\n',
      },
      expected:
        'compose.yaml:5:13: extends from a remote file (https://example.com/c.yaml) is not supported by devenv',
    },
    {
      problem: 'no service named',
      files: { 'compose.yaml': 'services:\n  a:\n    extends: {file: other.yaml}\n' },
      expected: 'compose.yaml:3:14: extends.service is missing',
    },
    {
      problem: 'an unknown key, with a did-you-mean',
      files: {
        'compose.yaml':
          'services:\n  a:\n    image: a\n    extends: {service: b, fle: o.yaml}\n  b: {image: b}\n',
      },
      expected: 'compose.yaml:4:27: unknown key "fle" in extends\n  → did you mean file?',
    },
    {
      problem: 'a value that is neither a name nor a mapping',
      files: { 'compose.yaml': 'services:\n  a:\n    extends: [b]\n' },
      expected: 'compose.yaml:3:14: extends must name a service, or be {service, file}',
    },
    {
      problem: 'a problem inside the extended file, positioned there',
      files: {
        'compose.yaml': 'services:\n  a:\n    extends: {file: sub/other.yaml, service: b}\n',
        'sub/other.yaml': 'services:\n  b:\n    image: "${REQUIRED:?set it}"\n',
      },
      expected: 'sub/other.yaml:3:12: ',
    },
    {
      problem: 'a wrong value inherited from the extended file, positioned there',
      files: {
        'compose.yaml': 'services:\n  a:\n    extends: {file: other.yaml, service: b}\n',
        'other.yaml': 'services:\n  b:\n    image: x\n    restart: sometimes\n',
      },
      expected: 'other.yaml:4:14: services.a.restart',
    },
  ])('$problem', async ({ files, expected }) => {
    const found = await errors(files);
    expect(found.join('\n')).toContain(expected);
  });
});
