import { relative } from 'node:path';
import type { CheckReport, CheckStatus, DoctorReport, ToolReport } from '../doctor/report.js';
import type { Style } from './style.js';

/** The human form of doctor's report: one line per check, a remediation under each problem. */
export function renderDoctorReport(report: DoctorReport, style: Style): string {
  const mark = (status: CheckStatus) =>
    status === 'ok' ? style.ok('✓') : status === 'warn' ? style.warn('!') : style.fail('✗');
  const shortPath = (path: string) =>
    path.startsWith(report.projectRoot) ? relative(report.projectRoot, path) : path;
  const nameWidth = Math.max(...report.tools.map((t) => t.name.length));
  const fix = (remediation: string | null) =>
    remediation ? [`      ${style.dim(`→ ${remediation}`)}`] : [];

  const toolLine = (t: ToolReport): string[] => {
    const name = t.name.padEnd(nameWidth);
    const optional = t.need === 'optional' ? style.dim(' (optional)') : '';
    const head = t.found
      ? `  ${mark(t.status)} ${name}  ${t.version}  ${style.dim(`${shortPath(t.path ?? '')} (${t.source})`)}`
      : `  ${mark(t.status)} ${name}  ${t.problem}${optional}`;
    return [head, ...(t.found ? [] : fix(t.remediation))];
  };
  const checkLine = (c: CheckReport) => [`  ${mark(c.status)} ${c.message}`, ...fix(c.remediation)];

  const { ok, warn, fail } = report.summary;
  const verdict =
    fail > 0
      ? style.fail(`${fail} problem${fail === 1 ? '' : 's'}`) +
        (warn > 0 ? `, ${warn} warning${warn === 1 ? '' : 's'}` : '')
      : warn > 0
        ? style.warn(`ready, ${warn} warning${warn === 1 ? '' : 's'} (optional features)`)
        : style.ok('all good');
  return [
    style.bold('Tools') + style.dim(' (versions from versions.yaml)'),
    ...report.tools.flatMap(toolLine),
    '',
    style.bold('Machine'),
    ...report.checks.flatMap(checkLine),
    '',
    `${verdict} ${style.dim(`(${ok} ok)`)}`,
  ].join('\n');
}
