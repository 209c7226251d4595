import { err, ok, type Result } from '../../shared/result.js';
import type { StatsSample } from '../control/stats-protocol.js';

/** How `devenv stats` prints: docker's default table, JSON lines, or a Go-style template. */
export type StatsFormat =
  | { readonly kind: 'json' }
  | {
      readonly kind: 'template';
      readonly table: boolean;
      readonly fields: readonly string[];
      readonly template: string;
    };

/** docker stats' columns: the template field, and its heading in a table. */
const COLUMNS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID',
  Container: 'CONTAINER',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};
const DEFAULT_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const FIELD = /\{\{\s*\.(\w+)\s*\}\}/g;

/** Pure: --format's value read, or what is wrong with it. */
export function statsFormat(raw: string | undefined): Result<StatsFormat, string> {
  const text = raw === undefined || raw === 'table' ? DEFAULT_TABLE : raw;
  if (text === 'json' || /^\{\{\s*json\s+\.\s*\}\}$/.test(text)) return ok({ kind: 'json' });
  const table = text.startsWith('table ');
  const template = (table ? text.slice('table '.length) : text).replaceAll('\\t', '\t');
  const fields = [...template.matchAll(FIELD)].map((m) => m[1]!);
  const unknown = fields.find((f) => !Object.hasOwn(COLUMNS, f));
  if (unknown !== undefined)
    return err(`no field .${unknown}; fields: ${Object.keys(COLUMNS).join(', ')}`);
  if (fields.length === 0)
    return err('expected table, json, or a template naming fields such as {{.Name}}');
  return ok({ kind: 'template', table, fields, template });
}

/** Pure: the samples as docker stats prints them in that format. */
export function renderStats(
  samples: readonly StatsSample[],
  format: StatsFormat,
  options: { readonly truncate: boolean },
): string {
  const rows = samples.map((s) => statsFields(s, options.truncate));
  if (format.kind === 'json') return rows.map((row) => JSON.stringify(row)).join('\n');
  const lines = rows.map((row) =>
    format.template.replace(FIELD, (_, field: string) => row[field as keyof typeof row] ?? ''),
  );
  if (!format.table) return lines.join('\n');
  const heading = format.template.replace(FIELD, (_, field: string) => COLUMNS[field] ?? field);
  return alignColumns([heading, ...lines]);
}

/** docker stats --format json's fields of one sample; "--" where nothing was measured. */
export function statsFields(s: StatsSample, truncate: boolean) {
  const pair = (a: number | undefined, b: number | undefined, size: (n: number) => string) =>
    a === undefined || b === undefined ? '--' : `${size(a)} / ${size(b)}`;
  const id = truncate && s.runtime === 'docker' ? s.id.slice(0, 12) : s.id;
  const memory = s.memoryBytes ?? undefined;
  const limit = s.memoryLimitBytes ?? undefined;
  return {
    BlockIO: pair(s.blockIO?.readBytes, s.blockIO?.writeBytes, decimalSize),
    CPUPerc: s.cpuPercent === null ? '--' : `${s.cpuPercent.toFixed(2)}%`,
    Container: id,
    ID: id,
    MemPerc:
      memory === undefined || limit === undefined || limit <= 0
        ? '--'
        : `${((memory / limit) * 100).toFixed(2)}%`,
    MemUsage: pair(memory, limit, binarySize),
    Name: s.name,
    NetIO: pair(s.netIO?.rxBytes, s.netIO?.txBytes, decimalSize),
    PIDs: s.pids === null ? '--' : String(s.pids),
  };
}

/** As docker's units.BytesSize: four significant digits, powers of 1024 (9.457MiB). */
export function binarySize(bytes: number): string {
  return scaled(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], 4);
}

/** As docker's units.HumanSizeWithPrecision(n, 3): powers of 1000 (1.05kB). */
export function decimalSize(bytes: number): string {
  return scaled(bytes, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], 3);
}

function scaled(value: number, base: number, units: readonly string[], digits: number): string {
  let n = value;
  let unit = 0;
  while (n >= base && unit < units.length - 1) {
    n /= base;
    unit++;
  }
  return `${Number(n.toPrecision(digits))}${units[unit]}`;
}

/** As docker's tabwriter (min width 10, padding 3): each tab-separated cell padded to its column. */
function alignColumns(lines: readonly string[]): string {
  const cells = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const row of cells)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, 10, cell.length + 3)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
