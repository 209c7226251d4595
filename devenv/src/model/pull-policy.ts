import { err, ok, type Result } from '../../shared/result.js';
import { parseDuration } from './duration.js';

/**
 * A service's `pull_policy`, as Compose reads it: when the image comes from a registry, when it
 * must already be here, when it is built instead.
 */
export type PullPolicy =
  | { readonly kind: 'missing' }
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  | { readonly kind: 'build' }
  /** `daily`, `weekly`, `every_<duration>`: pull when devenv's last pull is older than `everyMs`. */
  | { readonly kind: 'refresh'; readonly everyMs: number; readonly written: string };

const DAY_MS = 86_400_000;

export const PULL_POLICY_HINT =
  'write missing, always, never, build, daily, weekly or every_<duration> (like every_12h)';

/** Reads a `pull_policy` value; the error says what is wrong with it. */
export function parsePullPolicy(value: unknown): Result<PullPolicy, string> {
  if (typeof value !== 'string') return err(`${JSON.stringify(value)} is not a pull policy`);
  switch (value) {
    // Compose keeps `if_not_present` as an alias of `missing`.
    case 'missing':
    case 'if_not_present':
      return ok({ kind: 'missing' });
    // `refresh` is in the Compose schema and checks the registry each time, as `always` does.
    case 'always':
    case 'refresh':
      return ok({ kind: 'always' });
    case 'never':
      return ok({ kind: 'never' });
    case 'build':
      return ok({ kind: 'build' });
    case 'daily':
      return ok({ kind: 'refresh', everyMs: DAY_MS, written: value });
    case 'weekly':
      return ok({ kind: 'refresh', everyMs: 7 * DAY_MS, written: value });
  }
  if (!value.startsWith('every_')) return err(`"${value}" is not a pull policy`);
  // Compose reads the duration with str2duration, which also takes days and weeks (`every_1w2d`).
  const written = value
    .slice('every_'.length)
    .replace(
      /(\d+(?:\.\d+)?)([wd])/g,
      (_part, count: string, unit: string) => `${Number(count) * (unit === 'w' ? 168 : 24)}h`,
    );
  const every = parseDuration(written);
  if (!every.ok) return err(`"${value}": ${every.error}`);
  return ok({ kind: 'refresh', everyMs: every.value, written: value });
}
