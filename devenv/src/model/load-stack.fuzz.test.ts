import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../shared/result.js';
import { parseStack, type SourceText } from './load-stack.js';

/**
 * Mutates realistic compose files at random (deterministically: a seeded PRNG) and checks the
 * loader's promise: every input gives a Stack or positioned diagnostics, and nothing throws.
 */

const TESTDATA = join(import.meta.dirname, 'testdata');
const read = (path: string) => readFileSync(join(TESTDATA, path), 'utf8');

interface Fixture {
  readonly dir: string;
  readonly files: readonly SourceText[];
  readonly dotenv?: SourceText;
  /** Files that `extends` and `include` reach, by path relative to `dir`. */
  readonly reached?: Readonly<Record<string, string>>;
}

/** A project whose services come through include and extends chains, one of them deep. */
const DEEP = 30;
const CHAINS: Readonly<Record<string, string>> = {
  'lib/compose.yaml':
    'include:\n  - path: deeper/compose.yaml\n    env_file: lib.env\nservices:\n  db:\n    image: "postgres:${PG_TAG}"\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n',
  'lib/lib.env': 'PG_TAG=16\n',
  'lib/deeper/compose.yaml':
    'services:\n  cache:\n    extends: {file: ../../common/base.yaml, service: root}\n    image: redis\n',
  'common/base.yaml':
    'services:\n  web:\n    extends: {file: ../shared/root.yaml, service: root}\n    build: ./web\n    ports: ["127.0.0.1:8080:80"]\n    environment: {MODE: web}\n  root:\n    image: nginx\n    environment: [ROOT=1]\n',
  'shared/root.yaml': 'services:\n  root:\n    image: busybox\n    command: [sh, -c, "sleep 1d"]\n',
  'deep.yaml': `services:\n  s0:\n    image: base\n${Array.from({ length: DEEP }, (_, i) => `  s${i + 1}:\n    extends: s${i}\n    environment: [L${i + 1}=${i + 1}]\n`).join('')}`,
};
const CHAINS_MAIN = [
  'include: [lib/compose.yaml]',
  'services:',
  '  app:',
  '    extends: {file: common/base.yaml, service: web}',
  '    environment: {MODE: app}',
  '    depends_on: [db, cache]',
  '  worker:',
  '    extends: app',
  '    ports: !reset []',
  '  deepest:',
  `    extends: {file: deep.yaml, service: s${DEEP}}`,
  '',
].join('\n');

const FIXTURES: readonly Fixture[] = [
  {
    dir: join(TESTDATA, 'sql-cluster'),
    files: [{ file: 'sql-cluster/compose.yaml', text: read('sql-cluster/compose.yaml') }],
    dotenv: { file: 'sql-cluster/.env', text: read('sql-cluster/.env') },
  },
  {
    dir: join(TESTDATA, 'split-roles'),
    files: [{ file: 'split-roles/compose.yaml', text: read('split-roles/compose.yaml') }],
  },
  {
    dir: join(TESTDATA, 'dev-overrides'),
    files: [
      { file: 'dev-overrides/compose.yaml', text: read('dev-overrides/compose.yaml') },
      {
        file: 'dev-overrides/compose.override.yaml',
        text: read('dev-overrides/compose.override.yaml'),
      },
    ],
  },
  {
    dir: '/virtual/chains',
    files: [{ file: 'chains/compose.yaml', text: CHAINS_MAIN }],
    reached: CHAINS,
  },
];
const APP_ENV = read('dev-overrides/app.env');
const CASES = 800;

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const int = (random: Random, max: number) => Math.floor(random() * max);

const WRONG_TYPES = [
  '[1, 2]',
  '{a: 1}',
  'true',
  '42',
  'null',
  '""',
  '-1',
  '3.5',
  '[[]]',
  '{}',
  '~',
  '!!binary aGk=',
];
const UNICODE = [
  'é',
  '日本語',
  '🚀',
  '\u200b',
  '\u202e',
  'e\u0301',
  '\uFEFF',
  '\u2028',
  'Ω≈ç√',
  '\uD800',
];
const SERVICE_LINE = /^ {2}([a-z][\w-]*):\s*$/;

function serviceNames(text: string): string[] {
  return text.split('\n').flatMap((line) => SERVICE_LINE.exec(line)?.[1] ?? []);
}

const MUTATIONS: readonly ((lines: string[], random: Random, text: string) => string[])[] = [
  // delete a line
  (lines, random) => lines.filter((_, i) => i !== int(random, lines.length)),
  // duplicate a line
  (lines, random) => {
    const i = int(random, lines.length);
    return [...lines.slice(0, i + 1), lines[i] ?? '', ...lines.slice(i + 1)];
  },
  // swap two lines
  (lines, random) => {
    const out = [...lines];
    const i = int(random, out.length);
    const j = int(random, out.length);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  },
  // change indentation
  (lines, random) => {
    const i = int(random, lines.length);
    const line = lines[i] ?? '';
    const out = [...lines];
    out[i] = random() < 0.5 ? ' '.repeat(1 + int(random, 4)) + line : line.replace(/^ {1,3}/, '');
    return out;
  },
  // replace a scalar value with a wrong type
  (lines, random) => {
    const candidates = lines.flatMap((l, i) => (/:\s+\S/.test(l) ? [i] : []));
    const i = pick(random, candidates.length > 0 ? candidates : [0]);
    const out = [...lines];
    out[i] = (out[i] ?? '').replace(/:\s+.*$/, `: ${pick(random, WRONG_TYPES)}`);
    return out;
  },
  // inject a broken ${
  (lines, random) => {
    const i = int(random, lines.length);
    const out = [...lines];
    out[i] =
      `${out[i] ?? ''}${pick(random, ['${', '${}', '${1}', '${A:x}', '$${', '${A:-${B}', '${A:?}'])}`;
    return out;
  },
  // unicode
  (lines, random) => {
    const i = int(random, lines.length);
    const out = [...lines];
    const line = out[i] ?? '';
    const at = int(random, line.length + 1);
    out[i] = line.slice(0, at) + pick(random, UNICODE) + line.slice(at);
    return out;
  },
  // a huge string value
  (lines, random) => {
    const i = int(random, lines.length);
    const out = [...lines];
    out[i] = (out[i] ?? '').replace(/:\s+.*$/, `: ${'x'.repeat(10_000 + int(random, 90_000))}`);
    return out;
  },
  // random bytes
  (lines, random) => {
    const i = int(random, lines.length);
    const bytes = Array.from({ length: 1 + int(random, 20) }, () =>
      String.fromCharCode(int(random, 256)),
    ).join('');
    const out = [...lines];
    out[i] = (out[i] ?? '') + bytes;
    return out;
  },
  // truncation
  (lines, random, text) => text.slice(0, int(random, text.length)).split('\n'),
  // a dependency that may close a cycle (or duplicate a key)
  (lines, random, text) => {
    const names = serviceNames(text);
    const header = lines.findIndex((l) => SERVICE_LINE.test(l) && random() < 0.5);
    const at = header < 0 ? lines.findIndex((l) => SERVICE_LINE.test(l)) : header;
    if (at < 0 || names.length === 0) return lines;
    return [
      ...lines.slice(0, at + 1),
      `    depends_on: [${pick(random, names)}]`,
      ...lines.slice(at + 1),
    ];
  },
  // an unknown dependency
  (lines, random) => {
    const at = lines.findIndex((l) => SERVICE_LINE.test(l));
    if (at < 0) return lines;
    return [
      ...lines.slice(0, at + 1),
      `    depends_on: [ghost-${int(random, 9)}]`,
      ...lines.slice(at + 1),
    ];
  },
  // anchors and aliases gone wrong
  (lines, random) => {
    const i = int(random, lines.length);
    const out = [...lines];
    out.splice(
      i,
      0,
      pick(random, [
        '    <<: *missing',
        '  x: &a [*a]',
        '    <<: [1, 2]',
        '&x',
        '*x',
        '    <<: *ship-logs',
      ]),
    );
    return out;
  },
  // required variables without a value
  (lines) => lines.map((l) => l.replace(/\$\{([A-Z_]+)(:-[^}]*)?\}/, '${$1_UNSET:?boom}')),
  // an extends or include that closes a cycle, names a missing or remote file, or a bad value
  (lines, random) => {
    const targets = lines.flatMap((l, i) =>
      /extends|include|path|file:|^ +- /.test(l) ? [i] : [],
    );
    if (targets.length === 0) return lines;
    const i = pick(random, targets);
    const out = [...lines];
    const line = out[i] ?? '';
    const values = /extends|file:/.test(line) ? EXTENDS_VALUES : INCLUDE_VALUES;
    out[i] = line.replace(/(extends: |include: |path: |- )\S.*$/, `$1${pick(random, values)}`);
    return out;
  },
  // a service that extends another of the same file (maybe itself, maybe a later one)
  (lines, random, text) => {
    const names = serviceNames(text);
    const at = lines.findIndex((l) => SERVICE_LINE.test(l) && random() < 0.3);
    if (at < 0 || names.length === 0) return lines;
    return [
      ...lines.slice(0, at + 1),
      `    extends: ${pick(random, names)}`,
      ...lines.slice(at + 1),
    ];
  },
];
const CHAIN_MUTATIONS = MUTATIONS.slice(-2);
const EXTENDS_VALUES = [
  'ghost',
  'app',
  'worker',
  's3',
  'web',
  '{file: ghost.yaml, service: web}',
  '{file: ../chains/compose.yaml, service: app}',
  '{file: compose.yaml, service: worker}',
  '{file: ../../compose.yaml, service: app}',
  '{service: s7, file: ../deep.yaml}',
  '{service: s29, file: deep.yaml}',
  '{file: deep.yaml}',
  '{file: https://example.com/c.yaml, service: web}',
  '[x]',
  '5',
  '~',
];
const INCLUDE_VALUES = [
  '[compose.yaml]',
  '[../compose.yaml]',
  '[lib/compose.yaml, lib/compose.yaml]',
  '[git@github.com:o/r.git]',
  '[oci://docker.io/x/y]',
  'oci://docker.io/x/y',
  '../compose.yaml',
  '../../compose.yaml',
  'compose.yaml',
  'ghost.yaml',
  '{path: [], env_file: 3}',
  '{path: ghost.yaml, project_directory: ..}',
  '5',
  '~',
];

/** The fixture with one of its files (a -f file or one that extends/include reach) mutated. */
function mutate(
  fixture: Fixture,
  seed: number,
): { files: SourceText[]; reached: Map<string, string> } {
  const random = prng(seed);
  const reachedNames = Object.keys(fixture.reached ?? {});
  // Half the time the -f file, whose include and extends start every chain.
  const target =
    reachedNames.length > 0 && random() < 0.5
      ? 0
      : int(random, fixture.files.length + reachedNames.length);
  const change = (text: string) => {
    const rounds = 1 + int(random, 3);
    for (let r = 0; r < rounds; r++) {
      // The chains fixture gets the chain mutations half the time, so that each kind shows up.
      const mutations = reachedNames.length > 0 && random() < 0.5 ? CHAIN_MUTATIONS : MUTATIONS;
      text = pick(random, mutations)(text.split('\n'), random, text).join('\n');
    }
    return text;
  };
  const files = fixture.files.map((source, index) =>
    index === target ? { file: source.file, text: change(source.text) } : source,
  );
  const reached = new Map(
    reachedNames.map((name, index) => {
      const text = fixture.reached?.[name] ?? '';
      return [
        join(fixture.dir, name),
        index + fixture.files.length === target ? change(text) : text,
      ];
    }),
  );
  // The -f files are on disk too: an extends or include may name them.
  for (const source of files) reached.set(join(dirname(fixture.dir), source.file), source.text);
  return { files, reached };
}

const CHAIN_PROBLEMS: Readonly<Record<string, RegExp>> = {
  'extends cycle': /^extends cycle: /,
  'include cycle': /^include cycle: /,
  'missing file': /does not exist/,
  'remote source': /remote .* is not supported by devenv/,
  'undefined service': /which is not defined/,
};

function fixtureReader(fixture: Fixture, reached: ReadonlyMap<string, string>) {
  return (path: string) => {
    const text = reached.get(path);
    if (text !== undefined) return ok(text);
    return path.endsWith('/app.env') ? ok(APP_ENV) : err('missing');
  };
}

describe('loadStack fuzz', () => {
  it('loads every fixture as it is, the chains one through its include and extends', () => {
    for (const fixture of FIXTURES) {
      const reached = new Map(
        Object.entries(fixture.reached ?? {}).map(([name, text]) => [
          join(fixture.dir, name),
          text,
        ]),
      );
      const result = parseStack(fixture.files, {
        projectDir: fixture.dir,
        env: {},
        dotenv: fixture.dotenv,
        readText: fixtureReader(fixture, reached),
      });
      expect(result.ok ? [] : result.error, fixture.dir).toEqual([]);
      if (fixture.reached && result.ok)
        expect(result.value.services[`deepest`]?.environment[`L${DEEP}`]).toBe(String(DEEP));
    }
  });

  it(`answers ${CASES} mutated compose files with a Stack or positioned diagnostics`, () => {
    let accepted = 0;
    const seen = new Set<string>();
    for (let seed = 1; seed <= CASES; seed++) {
      const fixture = FIXTURES[seed % FIXTURES.length] as Fixture;
      const { files, reached } = mutate(fixture, seed);
      const readText = fixtureReader(fixture, reached);
      let result: ReturnType<typeof parseStack>;
      try {
        result = parseStack(files, {
          projectDir: fixture.dir,
          env: {},
          dotenv: fixture.dotenv,
          readText,
        });
      } catch (thrown) {
        throw new Error(`seed ${seed}: parseStack threw ${String(thrown)}`, { cause: thrown });
      }
      if (result.ok) {
        accepted++;
        const names = Object.keys(result.value.services);
        expect([...result.value.startOrder].sort(), `seed ${seed}`).toEqual([...names].sort());
        continue;
      }
      expect(result.error.length, `seed ${seed}`).toBeGreaterThan(0);
      for (const d of result.error) {
        const context = `seed ${seed}: ${JSON.stringify(d)}`;
        expect(typeof d.file === 'string' && d.file.length > 0, context).toBe(true);
        expect(Number.isInteger(d.line) && d.line >= 0, context).toBe(true);
        expect(Number.isInteger(d.col) && d.col >= 0, context).toBe(true);
        expect(typeof d.message === 'string' && d.message.length > 0, context).toBe(true);
        // parseStack turns a thrown bug into a diagnostic; the fuzz test must still see it.
        expect(d.message, context).not.toMatch(/^internal error/);
        // What extends and include report is always about a place in a file.
        if (/extends|include/.test(d.message)) expect(d.line, context).toBeGreaterThan(0);
        for (const [kind, pattern] of Object.entries(CHAIN_PROBLEMS))
          if (pattern.test(d.message)) seen.add(kind);
      }
    }
    // Mutations are mostly destructive, but some must survive or the test is not testing much.
    expect(accepted).toBeGreaterThan(CASES / 20);
    expect(accepted).toBeLessThan(CASES);
    // The chain mutations reach every kind of chain problem.
    expect([...seen].sort()).toEqual(Object.keys(CHAIN_PROBLEMS).sort());
  });
});
