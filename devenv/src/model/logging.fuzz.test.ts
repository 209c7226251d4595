import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from './load-stack.js';
import { MAX_LOG_FILES, parseLogSize, parseMaxFile, readLogging } from './logging.js';

/**
 * `logging:` against arbitrary and near-valid values: the parsers never throw, read back exactly
 * what a well-formed value says, and a compose file with any logging block either loads or is
 * refused with positioned messages under `logging`.
 */

const RUNS = { numRuns: 2000, seed: 31 };
const UNITS = { '': 1, k: 1e3, m: 1e6, g: 1e9 } as const;
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** `<digits>[.<digits>][ ]<unit>[i][b]` in any case, and the bytes Docker reads from it. */
const wellFormedSize = fc
  .record({
    whole: fc.integer({ min: 0, max: 99_999 }),
    fraction: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
    space: fc.boolean(),
    unit: fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])),
    suffix: fc.constantFrom('', 'b', 'B', 'ib', 'iB', 'i'),
    upper: fc.boolean(),
  })
  .map((s) => {
    const number = s.fraction === undefined ? `${s.whole}` : `${s.whole}.${s.fraction}`;
    const unit = s.upper ? s.unit.toUpperCase() : s.unit;
    return {
      text: `${number}${s.space ? ' ' : ''}${unit}${s.suffix}`,
      bytes: Math.floor(Number(number) * UNITS[s.unit]),
    };
  });

/** A well-formed size with a character changed, inserted or removed. */
const mutatedSize = fc
  .tuple(
    wellFormedSize,
    fc.nat(),
    fc.constantFrom('insert', 'replace', 'remove'),
    fc.string({ minLength: 1, maxLength: 1 }),
  )
  .map(([{ text }, at, how, char]) => {
    const i = at % (text.length + 1);
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    if (how === 'replace') return text.slice(0, i) + char + text.slice(i + 1);
    return text.slice(0, i) + text.slice(i + 1);
  });

const optionValue = fc.oneof(
  wellFormedSize.map((s) => s.text),
  mutatedSize,
  fc.integer({ min: -5, max: MAX_LOG_FILES + 5 }),
  fc.integer({ min: -5, max: MAX_LOG_FILES + 5 }).map(String),
  fc.double(),
  anyJson,
);

const loggingBlock = fc.oneof(
  fc.record(
    {
      driver: fc.oneof(fc.constantFrom('json-file', 'local', 'none', 'syslog', 'gelf'), anyJson),
      options: fc.oneof(
        fc.record(
          { 'max-size': optionValue, 'max-file': optionValue, tag: fc.string() },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
    },
    { requiredKeys: [] },
  ),
  anyJson,
);

describe('logging parsers under fuzzing', () => {
  it('read a well-formed max-size exactly as Docker does', () => {
    fc.assert(
      fc.property(wellFormedSize, ({ text, bytes }) => {
        const parsed = parseLogSize(text);
        expect(parsed).toEqual(
          bytes >= 1
            ? { ok: true, value: bytes }
            : { ok: false, error: `"${text}" is less than a byte` },
        );
      }),
      RUNS,
    );
  });

  it('never throw, and accept only positive whole sizes and 1…MAX files', () => {
    fc.assert(
      fc.property(optionValue, (value) => {
        const size = parseLogSize(value);
        if (size.ok) expect(Number.isSafeInteger(size.value) && size.value >= 1).toBe(true);
        else expect(size.error.length).toBeGreaterThan(0);
        const files = parseMaxFile(value);
        if (files.ok) expect(files.value).toBeGreaterThanOrEqual(1);
        if (files.ok) expect(files.value).toBeLessThanOrEqual(MAX_LOG_FILES);
      }),
      RUNS,
    );
  });

  it('read any logging block into a policy or problems under it, never both, never a throw', () => {
    fc.assert(
      fc.property(loggingBlock, (raw) => {
        const read = readLogging(raw);
        if (read.ok) {
          const logging = read.value;
          if (logging.kind === 'file') {
            expect(logging.files).toBeGreaterThanOrEqual(1);
            expect(logging.maxFileBytes).toBeGreaterThanOrEqual(1);
          }
        } else {
          expect(read.error.length).toBeGreaterThan(0);
          for (const problem of read.error)
            expect(['', 'driver', 'options', 'options.max-size', 'options.max-file']).toContain(
              problem.path.join('.'),
            );
        }
      }),
      RUNS,
    );
  });

  it('a compose file with any logging block loads, or is refused at a position under logging', () => {
    fc.assert(
      fc.property(loggingBlock, (logging) => {
        const text = stringify({ services: { web: { image: 'nginx', logging } } });
        const loaded = parseStack([{ file: 'compose.yaml', text }], { projectDir: '/p', env: {} });
        if (loaded.ok) return;
        for (const line of loaded.error.map(formatDiagnostic))
          expect(line).toMatch(/^compose\.yaml:\d+:\d+: services\.web\.logging/);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });
});
