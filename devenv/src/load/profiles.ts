import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the k6 scripts live, relative to the project root. */
export const LOADTEST_DIR = 'loadtest';

/**
 * The profiles `devenv load` can run: one script per profile in loadtest/profiles/, so adding a
 * file adds a profile and nothing here lists them twice.
 */
export function listProfiles(projectRoot: string): string[] {
  try {
    return readdirSync(join(projectRoot, LOADTEST_DIR, 'profiles'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -'.js'.length))
      .sort(byUsualOrder);
  } catch {
    return [];
  }
}

export function profileScript(projectRoot: string, profile: string): string {
  return join(projectRoot, LOADTEST_DIR, 'profiles', `${profile}.js`);
}

/** Lightest first, as people read them; unknown extra profiles after, alphabetically. */
const ORDER = ['smoke', 'load', 'stress', 'spike', 'soak'];
function byUsualOrder(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib);
  return a.localeCompare(b);
}
