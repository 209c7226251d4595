import { chmod, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { messageOf } from '../../shared/result.js';
import { parseSummaryExport, summaryTable } from './k6-summary.js';
import { ensurePrivateDir } from '../session/private-files.js';

/** Where one run's report goes: `.devenv/load/<testid>.html`, the testid being `<profile>-<time>`. */
export interface RunReportFiles {
  /** k6's web-dashboard report: charts of request rate, latency and errors over the run. */
  readonly html: string;
  /** k6's `--summary-export` JSON, which the end-of-run table is made from. */
  readonly summary: string;
}

export function runReportFiles(projectRoot: string, testid: string): RunReportFiles {
  const dir = join(projectRoot, '.devenv', 'load');
  return { html: join(dir, `${testid}.html`), summary: join(dir, `${testid}.summary.json`) };
}

/** Like the rest of .devenv: the directory only for its owner. */
export async function prepareReportDir(files: RunReportFiles): Promise<void> {
  ensurePrivateDir(dirname(files.html));
}

/**
 * k6's built-in web dashboard, not served (port -1, so k6 exits when the test does) and exported
 * as a self-contained HTML file when the test ends. The dashboard aggregates every `period`; k6's
 * 10 s default leaves a 20 s smoke run without enough points and k6 then skips the report.
 */
export function webDashboardEnv(files: RunReportFiles): Readonly<Record<string, string>> {
  return {
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_PERIOD: '2s',
    K6_WEB_DASHBOARD_EXPORT: files.html,
  };
}

/** What a finished run left: the HTML report if k6 wrote one, and the summary table. */
export interface RunReport {
  readonly html: string | undefined;
  readonly table: readonly string[];
}

/** Reads what k6 wrote and narrows the files to their owner (k6 writes them with its umask). */
export async function collectRunReport(files: RunReportFiles): Promise<RunReport> {
  const html = (await ownerOnly(files.html)) ? files.html : undefined;
  if (!(await ownerOnly(files.summary)))
    return { html, table: ['(k6 wrote no summary: the run ended before the test started)'] };
  try {
    const summary = parseSummaryExport(JSON.parse(await readFile(files.summary, 'utf8')));
    return {
      html,
      table: summary ? summaryTable(summary) : [`(${files.summary} is not a k6 summary export)`],
    };
  } catch (error) {
    return { html, table: [`(could not read ${files.summary}: ${messageOf(error)})`] };
  }
}

async function ownerOnly(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await chmod(path, 0o600);
    return true;
  } catch {
    return false;
  }
}

/** The report as a browser opens it. */
export function reportUrl(html: string): string {
  return pathToFileURL(html).href;
}
