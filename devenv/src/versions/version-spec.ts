import { err, ok, type Result } from '../../shared/result.js';

/**
 * What versions.yaml may ask for:
 * - `1.5.1`   exactly that release (what devenv installs itself);
 * - `15`, `15.x`, `1.5.x` any release in that series (system packages whose patch level a distribution picks);
 * - `>=2.42`, optionally with `<3`, a range.
 */
export type VersionSpec =
  | { readonly kind: 'exact'; readonly text: string; readonly parts: readonly number[] }
  | { readonly kind: 'series'; readonly text: string; readonly parts: readonly number[] }
  | {
      readonly kind: 'range';
      readonly text: string;
      readonly min: readonly number[];
      readonly below: readonly number[] | undefined;
    };

const NUMBERS = /^\d+(\.\d+)*$/;

export function parseVersionSpec(raw: string): Result<VersionSpec, string> {
  const text = raw.trim();
  if (NUMBERS.test(text)) {
    const parts = toParts(text);
    return ok(parts.length >= 3 ? { kind: 'exact', text, parts } : { kind: 'series', text, parts });
  }
  const series = /^(\d+(?:\.\d+)*)\.x$/.exec(text);
  if (series?.[1]) return ok({ kind: 'series', text, parts: toParts(series[1]) });
  const range = /^>=\s*(\d+(?:\.\d+)*)(?:\s+<\s*(\d+(?:\.\d+)*))?$/.exec(text);
  if (range?.[1]) {
    return ok({
      kind: 'range',
      text,
      min: toParts(range[1]),
      below: range[2] ? toParts(range[2]) : undefined,
    });
  }
  return err(
    `"${text}" is not a version spec; write an exact version (1.5.1), a series (15 or 1.5.x) or a range (>=2.42 or ">=2.42 <3")`,
  );
}

/** The first dotted number in a tool's version output: `temporal version 1.5.1 (Server …)` → `1.5.1`. */
export function extractVersion(output: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

export function satisfies(version: string, spec: VersionSpec): boolean {
  const actual =
    extractVersion(version) ?? (/^\d+$/.test(version.trim()) ? version.trim() : undefined);
  if (actual === undefined) return false;
  const parts = toParts(actual);
  switch (spec.kind) {
    case 'exact':
      return compare(parts, spec.parts) === 0;
    case 'series':
      return spec.parts.every((p, i) => parts[i] === p);
    case 'range':
      return (
        compare(parts, spec.min) >= 0 &&
        (spec.below === undefined || compare(parts, spec.below) < 0)
      );
  }
}

function toParts(text: string): number[] {
  return text.split('.').map(Number);
}

/** Numeric, component-wise; a missing component counts as 0 (`1.5` = `1.5.0`). */
export function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
