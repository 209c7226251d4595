/**
 * The dashboards provisioned into Grafana, each generated from TypeScript into
 * provisioning/dashboards/json/<file>. `npm run dashboards` writes them; a test fails when the
 * checked-in JSON differs from what this code generates.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { dispatcherDashboard } from './dispatcher.js';
import { k6Dashboard } from './k6.js';
import { logsDashboard } from './logs.js';
import { temporalAppDashboard } from './temporal-app.js';

export const DASHBOARDS: Readonly<Record<string, () => DashboardBuilder>> = {
  'temporal-app.json': temporalAppDashboard,
  'dispatcher.json': dispatcherDashboard,
  'k6.json': k6Dashboard,
  'logs.json': logsDashboard,
};

/** Relative to the repository root. */
export const DASHBOARD_JSON_DIR = 'observability/grafana/provisioning/dashboards/json';

/** Each file's content exactly as written: stable key order, 2-space indent, final newline. */
export function renderDashboards(): Map<string, string> {
  return new Map(
    Object.entries(DASHBOARDS).map(([file, build]) => [
      file,
      `${JSON.stringify(build().build(), null, 2)}\n`,
    ]),
  );
}

/** A panel's query as the data test runs it. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly datasource: 'prometheus' | 'loki';
  readonly expr: string;
}

/** Every query of every panel (rows' nested panels included). */
export function panelQueries(): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    const dashboard = build().build();
    const panels = (dashboard.panels ?? []).flatMap((p) =>
      'panels' in p && Array.isArray(p.panels) ? [p, ...p.panels] : [p],
    );
    for (const panel of panels) {
      const targets = 'targets' in panel && Array.isArray(panel.targets) ? panel.targets : [];
      for (const target of targets as { expr?: string; datasource?: { uid?: string } }[]) {
        const uid = target.datasource?.uid;
        if (target.expr === undefined || (uid !== 'prometheus' && uid !== 'loki')) continue;
        queries.push({
          dashboard: file,
          panel: String(panel.title),
          datasource: uid,
          expr: target.expr,
        });
      }
    }
  }
  return queries;
}
