import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { PROJECT_ROOT } from '../project-root.js';
import { parseVersions } from '../versions/versions-file.js';
import { loadStack } from './load-stack.js';
import type { Stack } from './stack.js';

const FILE = 'compose/compose.yaml';

async function load(profiles: string[]): Promise<Stack> {
  const result = await loadStack({ files: [FILE], env: {}, profiles, cwd: PROJECT_ROOT });
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

describe('compose/compose.yaml, the project’s stack model', () => {
  it('loads with zero diagnostics, with and without every profile', async () => {
    const core = await load([]);
    expect(core.projectName).toBe('time-cop');
    expect(core.startOrder).toEqual([
      'postgres',
      'temporal',
      'worker-typescript',
      'worker-python',
      'dispatcher',
    ]);
    const all = await load(['*']);
    expect(all.startOrder).toEqual([
      'postgres',
      'temporal',
      'temporal-ui',
      'prometheus',
      'loki',
      'grafana',
      'worker-typescript',
      'worker-python',
      'dispatcher',
    ]);
    for (const service of Object.values(all.services)) {
      expect(service.healthcheck, service.name).toBeDefined();
      expect(service.devenv.probe, service.name).toBeDefined();
    }
    expect(all.services['grafana']?.devenv.optional).toBe(true);
    expect(all.services['loki']?.devenv.optional).toBe(true);
  });

  it('runs Temporal natively as the dev server on SQLite under .devenv', async () => {
    const temporal = (await load([])).services['temporal'];
    expect(temporal?.devenv.native).toEqual({
      command: [
        'temporal',
        'server',
        'start-dev',
        '--db-filename',
        '.devenv/temporal.db',
        '--namespace',
        'time-cop',
        '--ip',
        '127.0.0.1',
        '--port',
        '7233',
        '--ui-port',
        '8233',
        '--log-format',
        'json',
        '--metrics-port',
        '7235',
      ],
      tool: 'temporal',
      requires: [],
      cwd: PROJECT_ROOT,
      environment: {},
    });
    expect(temporal?.devenv.probe?.check).toEqual({
      kind: 'temporal',
      address: '127.0.0.1:7233',
      namespace: 'time-cop',
    });
    expect(temporal?.devenv.group).toBe('platform');
  });

  it('uses the images versions.yaml pins', async () => {
    const versions = parseVersions(await readFile(join(PROJECT_ROOT, 'versions.yaml'), 'utf8'));
    if (!versions.ok) throw new Error('versions.yaml does not parse');
    const { images } = versions.value;
    const services = (await load(['*'])).services;
    expect(services['postgres']?.image).toBe(images['postgres']);
    expect(services['postgres']?.image).toBe('postgres:16.10');
    expect(services['temporal']?.image).toBe(images['temporal-server']);
    expect(services['temporal-ui']?.image).toBe(images['temporal-ui']);
    expect(services['prometheus']?.image).toBe(images['prometheus']);
    expect(services['grafana']?.image).toBe(images['grafana']);
    expect(services['loki']?.image).toBe(images['loki']);
    // Our own images: built from the repository (compose/compose.yaml build:), not pinned.
    expect(services['worker-typescript']?.build).toBeDefined();
    expect(services['worker-python']?.build).toBeDefined();
    expect(services['dispatcher']?.build).toBeDefined();
  });
});
