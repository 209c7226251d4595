import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStack } from '../../devenv/src/model/load-stack.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';

const run = promisify(execFile);
const CONFIG = join(PROJECT_ROOT, 'observability/prometheus/prometheus.yml');

/** promtool ships with Debian's prometheus package, the same route the toolchain uses. */
/** Prometheus's own checker; CI installs the Debian package, so a missing one is a failure. */
async function promtool(): Promise<string> {
  try {
    await run('promtool', ['--version']);
    return 'promtool';
  } catch (error) {
    throw new Error(`promtool is needed (Debian: apt-get install prometheus): ${String(error)}`, {
      cause: error,
    });
  }
}

describe('prometheus.yml', () => {
  it('scrapes the workers, the dispatcher, Temporal and devenv', () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(
      config.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]),
    );
    expect(targets).toMatchObject({
      'worker-typescript': [
        '127.0.0.1:9464',
        '127.0.0.1:9465',
        '127.0.0.1:9466',
        '127.0.0.1:9467',
        '127.0.0.1:9468',
      ],
      'worker-python': ['127.0.0.1:9470'],
      dispatcher: ['127.0.0.1:7070'],
      temporal: ['127.0.0.1:7235'],
      devenv: ['127.0.0.1:9469'],
    });
  });

  it('scrapes each TypeScript worker replica on its port of compose.yaml’s range, labelled with its number', async () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as {
      scrape_configs: {
        job_name: string;
        static_configs: { targets: string[]; labels: Record<string, string> }[];
      }[];
    };
    const job = config.scrape_configs.find((j) => j.job_name === 'worker-typescript');
    const scraped = (job?.static_configs ?? []).flatMap((s) =>
      s.targets.map((target) => [Number(target.split(':')[1]), s.labels['replica']] as const),
    );
    const stack = await loadStack({
      files: ['compose/compose.yaml'],
      env: {},
      cwd: PROJECT_ROOT,
      profiles: ['*'],
    });
    if (!stack.ok) throw new Error(stack.error.map((d) => d.message).join('\n'));
    const worker = stack.value.services['worker-typescript'];
    const metricsPort = Number(worker?.environment['METRICS_PORT']);
    const published = worker?.ports.find((p) => p.container === metricsPort);
    expect(published?.hostEnd).toBeDefined();
    const range = Array.from(
      { length: (published?.hostEnd ?? 0) - (published?.host ?? 0) + 1 },
      (_, i) => [(published?.host ?? 0) + i, String(i + 1)] as const,
    );
    // Replica i takes the i-th port of the range (model/replicas.ts): each is scraped as replica i.
    expect(scraped).toEqual(range);
  });

  it('passes promtool check config, rules included', async () => {
    const tool = await promtool();
    const { stdout } = await run(tool, ['check', 'config', CONFIG]);
    expect(stdout).toContain('SUCCESS: 6 rules found');
  });

  it('the recording rules give p50/p95/p99 of both duration histograms', async () => {
    const tool = await promtool();
    // promtool's rule unit tests evaluate the rules against synthetic series.
    const { stdout } = await run(tool, [
      'test',
      'rules',
      join(PROJECT_ROOT, 'observability/prometheus/rules.test.yml'),
    ]);
    expect(stdout).toContain('SUCCESS');
  });
});
