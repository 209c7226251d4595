import type { EngineState } from '../engine/service-state.js';
import { composeStateOf } from './ps-view.js';

/** One line of `devenv ls`, with Compose's field names (its `--format json` keys). */
export interface ProjectLine {
  readonly Name: string;
  readonly Status: string;
  readonly ConfigFiles: string;
}

/** `running(3)`, or `exited(1), running(2)`: counts by state, in Compose's (sorted) order. */
export function projectStatus(state: EngineState | undefined): string {
  // No readable .devenv/state.json of that devenv (its directory was deleted, say).
  if (state === undefined) return 'unknown';
  const counts = new Map<string, number>();
  for (const name of state.order) {
    const service = state.services[name];
    if (service === undefined) continue;
    const word = composeStateOf(service);
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([word, count]) => `${word}(${count})`)
    .join(', ');
}

/** `--filter name=TEXT`: projects whose name contains TEXT (Docker's name filter); undefined: malformed. */
export function parseLsFilters(
  raw: readonly string[],
): { readonly names: readonly string[] } | { readonly problem: string } {
  const names: string[] = [];
  for (const filter of raw) {
    const eq = filter.indexOf('=');
    const key = eq < 0 ? filter : filter.slice(0, eq);
    if (key !== 'name' || eq < 0)
      return { problem: `--filter ${filter}: expected name=TEXT (the one filter ls has)` };
    names.push(filter.slice(eq + 1));
  }
  return { names };
}

/** Keeps the lines a name filter matches (any of them), sorted by name. */
export function filterLines(
  lines: readonly ProjectLine[],
  names: readonly string[],
): ProjectLine[] {
  return lines
    .filter((line) => names.length === 0 || names.some((n) => line.Name.includes(n)))
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

/** Compose's table: NAME, STATUS, CONFIG FILES, in columns as wide as their widest cell. */
export function lsTable(lines: readonly ProjectLine[]): string {
  const nameWidth = Math.max(4, ...lines.map((l) => l.Name.length)) + 3;
  const statusWidth = Math.max(6, ...lines.map((l) => l.Status.length)) + 3;
  return [
    `${'NAME'.padEnd(nameWidth)}${'STATUS'.padEnd(statusWidth)}CONFIG FILES`,
    ...lines.map(
      (l) => `${l.Name.padEnd(nameWidth)}${l.Status.padEnd(statusWidth)}${l.ConfigFiles}`,
    ),
  ].join('\n');
}
