import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../result.js';
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
}

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
];

function mutate(fixture: Fixture, seed: number): SourceText[] {
  const random = prng(seed);
  const target = int(random, fixture.files.length);
  return fixture.files.map((source, index) => {
    if (index !== target) return source;
    let text = source.text;
    const rounds = 1 + int(random, 3);
    for (let r = 0; r < rounds; r++)
      text = pick(random, MUTATIONS)(text.split('\n'), random, text).join('\n');
    return { file: source.file, text };
  });
}

describe('loadStack fuzz', () => {
  it(`answers ${CASES} mutated compose files with a Stack or positioned diagnostics`, () => {
    let accepted = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const fixture = FIXTURES[seed % FIXTURES.length] as Fixture;
      const files = mutate(fixture, seed);
      let result: ReturnType<typeof parseStack>;
      try {
        result = parseStack(files, {
          projectDir: fixture.dir,
          env: {},
          dotenv: fixture.dotenv,
          readText: (path) => (path.endsWith('/app.env') ? ok(APP_ENV) : err('missing')),
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
      }
    }
    // Mutations are mostly destructive, but some must survive or the test is not testing much.
    expect(accepted).toBeGreaterThan(CASES / 20);
    expect(accepted).toBeLessThan(CASES);
  });
});
