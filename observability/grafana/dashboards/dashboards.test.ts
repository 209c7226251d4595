import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6_DASHBOARD_UID as LINKED_UID } from '../../../devenv/src/load/load-targets.js';
import { PROJECT_ROOT } from '../../../devenv/src/project-root.js';
import { DASHBOARD_JSON_DIR, panelQueries, renderDashboards } from './index.js';
import { K6_DASHBOARD_UID } from './k6.js';

const dir = join(PROJECT_ROOT, DASHBOARD_JSON_DIR);

describe('generated dashboards', () => {
  it('the checked-in JSON is what the TypeScript generates (run `npm run dashboards`)', () => {
    const rendered = renderDashboards();
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(onDisk.sort()).toEqual([...rendered.keys()].sort());
    for (const [file, json] of rendered) {
      expect(readFileSync(join(dir, file), 'utf8'), `${file} is stale`).toBe(json);
    }
  });

  it('every panel has a query, and only the provisioned datasources are used', () => {
    const datasources = readFileSync(
      join(PROJECT_ROOT, 'observability/grafana/provisioning/datasources/datasources.yaml'),
      'utf8',
    );
    for (const [file, json] of renderDashboards()) {
      const dashboard = JSON.parse(json) as {
        uid: string;
        panels: { type: string; title: string; targets?: { datasource: { uid: string } }[] }[];
      };
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        expect(panel.targets?.length ?? 0, `${file}: ${panel.title}`).toBeGreaterThan(0);
        for (const t of panel.targets ?? [])
          expect(datasources).toContain(`uid: ${t.datasource.uid}`);
      }
    }
    expect(panelQueries().length).toBeGreaterThan(30);
  });

  it('`devenv load` links to the k6 dashboard by its UID', () => {
    expect(LINKED_UID).toBe(K6_DASHBOARD_UID);
  });
});
