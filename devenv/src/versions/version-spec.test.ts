import { describe, expect, it } from 'vitest';
import { extractVersion, parseVersionSpec, satisfies, type VersionSpec } from './version-spec.js';

function spec(text: string): VersionSpec {
  const parsed = parseVersionSpec(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('version specs', () => {
  it('matches an exact version only', () => {
    expect(satisfies('1.9.1', spec('1.9.1'))).toBe(true);
    expect(satisfies('1.9.10', spec('1.9.1'))).toBe(false);
    expect(satisfies('1.9.0', spec('1.9.1'))).toBe(false);
  });

  it('matches a series on whole components', () => {
    expect(satisfies('15.18', spec('15'))).toBe(true);
    expect(satisfies('150.1', spec('15'))).toBe(false);
    expect(satisfies('1.5.7', spec('1.5.x'))).toBe(true);
    expect(satisfies('1.6.0', spec('1.5.x'))).toBe(false);
  });

  it('matches ranges with an optional upper bound', () => {
    expect(satisfies('2.42.0', spec('>=2.42'))).toBe(true);
    expect(satisfies('2.41.9', spec('>=2.42'))).toBe(false);
    expect(satisfies('3.0.0', spec('>=2.42 <3'))).toBe(false);
    expect(satisfies('2.99.1', spec('>=2.42 <3'))).toBe(true);
  });

  it('reads versions out of tools’ own words', () => {
    expect(extractVersion('temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)')).toBe('1.9.1');
    expect(extractVersion('postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe('15.18');
    expect(extractVersion('v3.22.0+g1a2b3c4')).toBe('3.22.0');
    expect(extractVersion('kind v0.33.0 go1.26.8 linux/amd64')).toBe('0.33.0');
    expect(extractVersion('no digits here')).toBeUndefined();
  });

  it('rejects what is not a spec, saying what would be', () => {
    const parsed = parseVersionSpec('latest');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain('exact version');
    expect(parseVersionSpec('~1.2').ok).toBe(false);
  });
});
