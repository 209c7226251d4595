/**
 * The few panel shapes our dashboards use, over @grafana/grafana-foundation-sdk's builders, so
 * each dashboard file reads as a list of queries. Datasource UIDs match
 * provisioning/datasources/datasources.yaml.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type DataSourceRef,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
export const LOKI: DataSourceRef = { type: 'loki', uid: 'loki' };

export interface PromTarget {
  readonly expr: string;
  readonly legend?: string;
}

const REF_IDS = 'ABCDEFGHIJ';

/** The SDK's default hides legends; ours name the series, so show them. */
const LEGEND = new VizLegendOptionsBuilder()
  .showLegend(true)
  .displayMode(LegendDisplayMode.List)
  .placement(LegendPlacement.Bottom);

function promQueries(targets: readonly PromTarget[], format?: prometheus.PromQueryFormat) {
  return targets.map((t, i) => {
    const q = new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(REF_IDS[i] ?? `Q${i}`)
      .expr(t.expr)
      .legendFormat(t.legend ?? '__auto');
    return format === undefined ? q : q.format(format);
  });
}

/** A time series of one or more PromQL queries. */
export function promTimeseries(
  title: string,
  unit: string,
  targets: readonly PromTarget[],
  description?: string,
): cog.Builder<Panel> {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(unit)
    .targets(promQueries(targets))
    .span(12)
    .height(8)
    .fillOpacity(10)
    .lineWidth(1)
    .legend(LEGEND);
  return description === undefined ? panel : panel.description(description);
}

/**
 * A heatmap of a histogram's buckets (the workers' custom 1 ms … 10 s buckets): Grafana reads the
 * `le` labels of `sum by (le) (increase(…_bucket))` as rows.
 */
export function promHeatmap(title: string, bucketMetric: string, unit: string): cog.Builder<Panel> {
  return new heatmap.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .targets(
      promQueries(
        [{ expr: `sum by (le) (increase(${bucketMetric}[$__rate_interval]))`, legend: '{{le}}' }],
        prometheus.PromQueryFormat.Heatmap,
      ),
    )
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(unit))
    .span(12)
    .height(8);
}

/** One number with coloured thresholds (green below `limit`, red at or above it). */
export function promStat(
  title: string,
  unit: string,
  target: PromTarget,
  limit?: number,
): cog.Builder<Panel> {
  const panel = new stat.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(unit)
    .targets(promQueries([target]))
    .span(6)
    .height(5);
  if (limit === undefined) return panel;
  return panel.thresholds(
    new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
      { value: null, color: 'green' },
      { value: limit, color: 'red' },
    ]),
  );
}

/** A LogQL metric query (e.g. `count_over_time`) as a time series. */
export function lokiTimeseries(title: string, expr: string, legend: string): cog.Builder<Panel> {
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .targets([
      new loki.DataqueryBuilder().datasource(LOKI).refId('A').expr(expr).legendFormat(legend),
    ])
    .legend(LEGEND)
    .span(12)
    .height(8);
}

/** Log lines of a LogQL stream selector. */
export function lokiLogs(title: string, expr: string): cog.Builder<Panel> {
  return new logs.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .targets([new loki.DataqueryBuilder().datasource(LOKI).refId('A').expr(expr).maxLines(1000)])
    .showTime(true)
    .wrapLogMessage(true)
    .sortOrder(LogsSortOrder.Descending)
    .span(24)
    .height(14);
}
