import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialServiceState } from '../engine/service-state.js';
import { testStack } from '../../test/stack-builder.js';
import { parsePsFormat, parseTemplate, renderTemplate } from './ps-format.js';
import { instanceOf, psRow } from './ps-row.js';
import { PS_FIELDS, type PsRow } from './ps-view.js';

/**
 * `devenv ps --format` templates, fuzzed: the parser never throws on any text (a template it
 * cannot run is an error value), and a template built from literal text and `{{.Field}}`
 * placeholders renders as that text with each field's value in its place.
 */

const RUNS = { numRuns: 3000, seed: 11 };
const FIELDS = Object.keys(PS_FIELDS) as (keyof PsRow)[];
const row: PsRow = (() => {
  const stack = testStack('/p', { api: { command: ['node', 'api.js'] } });
  const state = { ...initialServiceState('api'), phase: 'healthy' as const, pid: 42, startedAt: 0 };
  return psRow(state, instanceOf(stack, 'api'), 'demo', { now: 5_000, truncate: true });
})();

const piece = fc.constantFrom('{', '}', '{{', '}}', '.', '-', ' ', '\t', 'json', 'Name', 'x', 'é');
const anyText = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 24 }),
);
/** Literal text without braces, so that it stays literal. */
const literal = fc.string({ maxLength: 6 }).map((text) => text.replace(/[{}]/g, ''));
const placeholder = fc.constantFrom(...FIELDS);

describe('ps --format templates (fuzzed)', () => {
  it('never throws; an error names what is wrong', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const parsed of [parseTemplate(text), parsePsFormat(text)]) {
          if (!parsed.ok) expect(parsed.error).toMatch(/\S/);
        }
        const parsed = parseTemplate(text);
        if (parsed.ok) expect(typeof renderTemplate(parsed.value, row)).toBe('string');
      }),
      RUNS,
    );
  });

  it('literal text and {{.Field}} placeholders render as the text with the values in place', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(literal, placeholder), { maxLength: 6 }),
        literal,
        (pairs, tail) => {
          const template = pairs.map(([text, field]) => `${text}{{ .${field} }}`).join('') + tail;
          const expected =
            pairs.map(([text, field]) => `${text}${goValue(row[field])}`).join('') + tail;
          const parsed = parseTemplate(template);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) expect(renderTemplate(parsed.value, row)).toBe(expected);
        },
      ),
      RUNS,
    );
  });
});

/** How Go's text/template prints the row's values, written out separately from the renderer. */
function goValue(value: PsRow[keyof PsRow]): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'unexpected publishers';
  return String(value);
}
