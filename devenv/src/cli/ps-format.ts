import { err, ok, type Result } from '../../shared/result.js';
import { PS_FIELDS, type Publisher, type PsRow } from './ps-view.js';

/*
 * `devenv ps --format`: table, json, or the `{{.Field}}` subset of a Go template, printed as
 * docker's formatter prints them.
 */

/** One object a line, keys in Go's (sorted) order as Compose marshals its map. */
export function jsonLine(row: PsRow): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly field: keyof PsRow; readonly json: boolean }
  | { readonly kind: 'row-json' };

export type PsFormat =
  | { readonly kind: 'json' }
  | { readonly kind: 'template'; readonly table: boolean; readonly parts: readonly TemplatePart[] };

/** devenv's own table: what tells why a service is where it is. */
export const DEFAULT_TABLE =
  'table {{.Name}}\t{{.Phase}}\t{{.Pid}}\t{{.Restarts}}\t{{.Uptime}}\t{{.Reason}}';

const ACTIONS_HELP = 'devenv ps takes {{.Field}}, {{json .}} and {{json .Field}}';

/** `--format` read as docker's formatter reads it; a template it cannot run is an error. */
export function parsePsFormat(raw: string | undefined): Result<PsFormat, string> {
  if (raw === 'json') return ok({ kind: 'json' });
  const text = raw === undefined || raw === '' || raw === 'table' ? DEFAULT_TABLE : raw;
  const table = text.startsWith('table');
  const body = (table ? text.slice('table'.length) : text)
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  const parts = parseTemplate(body);
  if (!parts.ok) return parts;
  if (!parts.value.some((p) => p.kind !== 'text'))
    return err(`expected table, json, or a template such as '{{.Service}}' (${ACTIONS_HELP})`);
  return ok({ kind: 'template', table, parts: parts.value });
}

/**
 * The subset of Go's text/template that ps formats use: literal text, `{{.Field}}`,
 * `{{json .}}`, `{{json .Field}}`, with `{{-` / `-}}` trimming the space beside them.
 */
export function parseTemplate(text: string): Result<TemplatePart[], string> {
  const parts: TemplatePart[] = [];
  let trimNext = false;
  let at = 0;
  while (at <= text.length) {
    const open = text.indexOf('{{', at);
    let literal = text.slice(at, open < 0 ? text.length : open);
    if (trimNext) literal = literal.replace(/^\s+/, '');
    if (open < 0) {
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      break;
    }
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return err(`unclosed action at "${text.slice(open, open + 20)}"`);
    let inner = text.slice(open + 2, close);
    const trimBefore = /^-\s/.test(inner);
    trimNext = /\s-$/.test(inner);
    if (trimBefore) {
      inner = inner.slice(1);
      literal = literal.replace(/\s+$/, '');
    }
    if (trimNext) inner = inner.slice(0, -1);
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    const action = parseAction(inner.trim());
    if (!action.ok) return err(`{{${text.slice(open + 2, close)}}}: ${action.error}`);
    parts.push(action.value);
    at = close + 2;
  }
  return ok(parts);
}

function parseAction(action: string): Result<TemplatePart, string> {
  if (/^json\s+\.$/.test(action)) return ok({ kind: 'row-json' });
  const match = /^(json\s+)?\.([A-Za-z_]\w*)$/.exec(action);
  if (match === null) return err(`not supported: ${ACTIONS_HELP}`);
  const field = match[2]!;
  if (!Object.hasOwn(PS_FIELDS, field))
    return err(`no field .${field}; fields: ${Object.keys(PS_FIELDS).join(', ')}`);
  return ok({ kind: 'field', field: field as keyof PsRow, json: match[1] !== undefined });
}

/** A row through a template: values as Go prints them (no value: empty). */
export function renderTemplate(parts: readonly TemplatePart[], row: PsRow): string {
  return parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      if (part.kind === 'row-json') return jsonLine(row);
      const value = row[part.field];
      if (part.json) return JSON.stringify(value);
      return goText(value);
    })
    .join('');
}

function goText(value: PsRow[keyof PsRow]): string {
  if (value === null) return '';
  if (Array.isArray(value))
    return `[${(value as readonly Publisher[])
      .map((p) => `{${p.URL} ${p.TargetPort} ${p.PublishedPort} ${p.Protocol}}`)
      .join(' ')}]`;
  return String(value);
}

/** The headings line of a table template: each field's heading in its place. */
function renderHeading(parts: readonly TemplatePart[]): string {
  return parts
    .map((part) =>
      part.kind === 'text' ? part.text : part.kind === 'field' ? PS_FIELDS[part.field] : '',
    )
    .join('');
}

/** Rows in a format: JSON lines, template lines, or a table with headings aligned as docker's. */
export function renderRows(rows: readonly PsRow[], format: PsFormat): string[] {
  if (format.kind === 'json') return rows.map(jsonLine);
  const lines = rows.map((row) => renderTemplate(format.parts, row));
  return format.table ? alignColumns([renderHeading(format.parts), ...lines]) : lines;
}

/**
 * As docker's tabwriter (minimum width 10, padding 3): tab-separated cells padded to their
 * column; a cell with a line break ends the row as in docker's.
 */
export function alignColumns(lines: readonly string[]): string[] {
  const cells = lines.flatMap((line) => line.split('\n')).map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const row of cells)
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, 10, cell.length + 3);
    });
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('')
      .trimEnd(),
  );
}

/**
 * Under the default table, the services it leaves out because they do not run, each with why:
 * without it a stack whose worker crashed for good would look healthy in `devenv ps`.
 */
export function notRunningNote(rows: readonly PsRow[]): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.Name.length));
  const phaseWidth = Math.max(...rows.map((r) => r.Phase.length));
  return [
    '',
    `not running (devenv ps -a lists them):`,
    ...rows.map((r) =>
      `  ${r.Name.padEnd(width)}  ${r.Phase.padEnd(phaseWidth)}  ${r.Reason}`.trimEnd(),
    ),
  ];
}
