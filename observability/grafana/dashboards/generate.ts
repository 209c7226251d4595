/** `npm run dashboards`: writes the generated dashboards' JSON (see index.ts). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../devenv/src/project-root.js';
import { DASHBOARD_JSON_DIR, renderDashboards } from './index.js';

const dir = join(PROJECT_ROOT, DASHBOARD_JSON_DIR);
mkdirSync(dir, { recursive: true });
const rendered = renderDashboards();
// A dashboard removed from index.ts must not linger in Grafana.
for (const file of readdirSync(dir)) {
  if (file.endsWith('.json') && !rendered.has(file)) rmSync(join(dir, file));
}
for (const [file, json] of rendered) writeFileSync(join(dir, file), json);
process.stdout.write(`wrote ${rendered.size} dashboards to ${DASHBOARD_JSON_DIR}\n`);
