import type { Problem } from './problem.js';
import { isPlainObject, valueAt, type TreePath } from './tree.js';

/**
 * Settings of one service that compose-go requires to agree (loader/validate.go): a value given
 * both as a service key and under deploy.resources, a platform its build must produce, and a
 * watch rule that copies files needing a target.
 */
export function serviceConsistencyProblems(
  name: string,
  service: Readonly<Record<string, unknown>>,
): Problem[] {
  const at: TreePath = ['services', name];
  const problems: Problem[] = [];
  const pairs: [string, readonly string[], (value: unknown) => number | undefined][] = [
    ['cpus', ['limits', 'cpus'], toNumber],
    ['mem_limit', ['limits', 'memory'], toBytes],
    ['mem_reservation', ['reservations', 'memory'], toBytes],
    ['pids_limit', ['limits', 'pids'], toNumber],
  ];
  for (const [key, under, read] of pairs) {
    const own = read(service[key]);
    const deployed = read(valueAt(service, ['deploy', 'resources', ...under]));
    if (own === undefined || own === 0 || deployed === undefined || own === deployed) continue;
    problems.push({
      path: [...at, key],
      message: `${key} and deploy.resources.${under.join('.')} of service "${name}" differ`,
      hint: 'set the value in one place only',
    });
  }
  const platform = service['platform'];
  const platforms = valueAt(service, ['build', 'platforms']);
  if (
    typeof platform === 'string' &&
    platform !== '' &&
    Array.isArray(platforms) &&
    platforms.length > 0 &&
    !platforms.includes(platform)
  )
    problems.push({
      path: [...at, 'build', 'platforms'],
      message: `build.platforms of service "${name}" does not include its platform "${platform}"`,
      hint: `add ${platform} to build.platforms, or change platform:`,
    });
  const watch = valueAt(service, ['develop', 'watch']);
  if (Array.isArray(watch))
    watch.forEach((rule, i) => {
      if (!isPlainObject(rule)) return;
      const action = rule['action'];
      const target = rule['target'];
      if (action === 'rebuild' || action === 'restart' || (typeof target === 'string' && target))
        return;
      problems.push({
        path: [...at, 'develop', 'watch', i],
        message: `the watch rule for ${String(rule['path'])} has no target, which ${String(action)} needs: it copies files into the container`,
        hint: 'add target: the path in the container the files go to',
      });
    });
  return problems;
}

function toNumber(value: unknown): number | undefined {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/** A memory size as Docker reads it (`512m`, `1g`, `1073741824`), in bytes. */
function toBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}
