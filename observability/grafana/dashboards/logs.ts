/**
 * Every service's lines as devenv's Loki sink pushes them: labels {project, service, stream,
 * level}, and workflow_id / run_id as structured metadata (filter with `| workflow_id="…"`).
 */
import {
  DashboardBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { LOKI, lokiLogs, lokiTimeseries } from './panels.js';

const STREAM = '{project="time-cop", service=~"$service"}';

export function logsDashboard(): DashboardBuilder {
  return new DashboardBuilder('Time Cop: logs')
    .uid('time-cop-logs')
    .tags(['time-cop', 'logs'])
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .withVariable(
      new QueryVariableBuilder('service')
        .label('Service')
        .datasource(LOKI)
        .query('label_values({project="time-cop"}, service)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.+'),
    )
    .withVariable(new TextBoxVariableBuilder('workflow_id').label('Workflow ID'))
    .withVariable(new TextBoxVariableBuilder('search').label('Text (regex)'))
    .withPanel(
      lokiTimeseries(
        'Lines /s by service',
        `sum by (service) (rate(${STREAM} [$__auto]))`,
        '{{service}}',
      ),
    )
    .withPanel(
      lokiTimeseries(
        'Warnings and errors /s by service',
        `sum by (service, level) (rate({project="time-cop", service=~"$service", level=~"warn|error|fatal"} [$__auto]))`,
        '{{service}} {{level}}',
      ),
    )
    .withPanel(
      lokiLogs(
        'One workflow across services (set Workflow ID)',
        `{project="time-cop"} | workflow_id=\`$workflow_id\``,
      ),
    )
    .withPanel(lokiLogs('Lines by service (Text filters)', `${STREAM} |~ \`(?i)$search\``));
}
