/** Dashboards as a list of rows, each a function that returns its panels. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  RowBuilder,
  type DashboardBuilder,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** A row's title and its panels, in the order they are laid out. */
export interface Row {
  readonly title: string;
  readonly panels: readonly cog.Builder<Panel>[];
}

/** Adds each row and its panels in order (Grafana lays panels out in the order they come). */
export function withRows(dashboard: DashboardBuilder, rows: readonly Row[]): DashboardBuilder {
  for (const row of rows) {
    dashboard.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) dashboard.withPanel(panel);
  }
  return dashboard;
}
