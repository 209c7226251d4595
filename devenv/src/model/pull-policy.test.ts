import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from './load-stack.js';
import { parsePullPolicy, type PullPolicy } from './pull-policy.js';

describe('pull_policy values, as Compose reads them', () => {
  it.each<[unknown, PullPolicy]>([
    ['missing', { kind: 'missing' }],
    ['if_not_present', { kind: 'missing' }],
    ['always', { kind: 'always' }],
    ['refresh', { kind: 'always' }],
    ['never', { kind: 'never' }],
    ['build', { kind: 'build' }],
    ['daily', { kind: 'refresh', everyMs: 86_400_000, written: 'daily' }],
    ['weekly', { kind: 'refresh', everyMs: 7 * 86_400_000, written: 'weekly' }],
    ['every_12h', { kind: 'refresh', everyMs: 12 * 3_600_000, written: 'every_12h' }],
    ['every_1h30m', { kind: 'refresh', everyMs: 90 * 60_000, written: 'every_1h30m' }],
    // Compose's schema takes it: every start is due.
    ['every_0s', { kind: 'refresh', everyMs: 0, written: 'every_0s' }],
    ['every_2d', { kind: 'refresh', everyMs: 2 * 86_400_000, written: 'every_2d' }],
    ['every_1w12h', { kind: 'refresh', everyMs: 7.5 * 86_400_000, written: 'every_1w12h' }],
  ])('%j', (value, policy) => {
    expect(parsePullPolicy(value)).toEqual({ ok: true, value: policy });
  });

  it.each<[unknown, string]>([
    ['sometimes', '"sometimes" is not a pull policy'],
    ['Always', '"Always" is not a pull policy'],
    [true, 'true is not a pull policy'],
    ['every_', '"every_": empty duration'],
    ['every_12', '"every_12": "12" has no unit'],
  ])('refuses %j', (value, message) => {
    expect(parsePullPolicy(value)).toEqual({ ok: false, error: message });
  });
});

describe('pull_policy in a loaded stack', () => {
  const parse = (text: string) =>
    parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: {} });

  it('carries the policy on the service', () => {
    const loaded = parse('services:\n  cache:\n    image: redis:7\n    pull_policy: every_6h\n');
    if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
    expect(loaded.value.services['cache']?.container?.pullPolicy).toEqual({
      kind: 'refresh',
      everyMs: 6 * 3_600_000,
      written: 'every_6h',
    });
  });

  it('positions a bad value where it is written, with the values it takes', () => {
    const loaded = parse('services:\n  cache:\n    image: redis:7\n    pull_policy: sometimes\n');
    const shown = loaded.ok ? [] : loaded.error.map(formatDiagnostic);
    expect(shown).toEqual([
      expect.stringContaining(
        'compose.yaml:4:18: services.cache.pull_policy: "sometimes" is not a pull policy',
      ),
    ]);
    expect(shown[0]).toContain('every_<duration>');
  });
});
