/**
 * The real Prometheus with the project's prometheus.yml scrapes every TypeScript worker replica
 * on its own port, as the replica its label names. Stand-in metrics servers take the replicas'
 * ports (a whole stack of workers would add nothing to what is checked here: which addresses
 * Prometheus scrapes and how it labels them); the ports are the project stack's, so the test takes
 * the stack lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devenv/src/process/free-port.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { acquireStackLock } from '../../devenv/test/stack-lock.js';
import { useTempDirs } from '../../devenv/test/temp-dir.js';
import { waitUntil } from '../../devenv/test/wait-until.js';

const CONFIG = join(PROJECT_ROOT, 'observability/prometheus/prometheus.yml');
const FIRST_PORT = 9464;
/** Replicas 1 and 3 of five run: the gap shows each port is scraped as its own replica. */
const RUNNING = [1, 3];

const tempDir = useTempDirs('devenv-prometheus-');

interface Target {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly scrapeUrl: string;
}

describe('Prometheus scrapes each TypeScript worker replica', () => {
  let release: (() => Promise<void>) | undefined;
  const servers: Server[] = [];
  let prometheus: ChildProcess | undefined;
  let output = '';
  let api = '';

  beforeAll(async () => {
    release = await acquireStackLock();
    for (const replica of RUNNING) {
      const server = createServer((_, response) => {
        response.setHeader('content-type', 'text/plain; version=0.0.4');
        response.end(`# TYPE replica_probe gauge\nreplica_probe ${replica}\n`);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(FIRST_PORT + replica - 1, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${CONFIG}`,
        `--storage.tsdb.path=${await tempDir()}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }, 660_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await release?.();
  }, 60_000);

  it('as a target of job worker-typescript labelled with its replica number, up when it runs', async () => {
    // Every target scraped at least once (5 s interval): none is still `unknown`.
    const targets = await waitUntil(
      'every worker-typescript target scraped',
      60_000,
      async () => {
        const body = (await (await fetch(`${api}/targets?state=active`)).json()) as {
          data: { activeTargets: Target[] };
        };
        const ours = body.data.activeTargets.filter((t) => t.labels['job'] === 'worker-typescript');
        return ours.length > 0 && ours.every((t) => t.health !== 'unknown') ? ours : undefined;
      },
      { intervalMs: 500, describe: () => `prometheus output:\n${output}` },
    );
    const byReplica = Object.fromEntries(
      targets.map((t) => [t.labels['replica'], [t.scrapeUrl, t.health, t.labels['service']]]),
    );
    expect(byReplica).toEqual(
      Object.fromEntries(
        [1, 2, 3, 4, 5].map((replica) => [
          String(replica),
          [
            `http://127.0.0.1:${FIRST_PORT + replica - 1}/metrics`,
            RUNNING.includes(replica) ? 'up' : 'down',
            'worker-typescript',
          ],
        ]),
      ),
    );
  }, 90_000);

  it('so a query sees each running replica’s own series, apart by the replica label', async () => {
    const query = encodeURIComponent('replica_probe{job="worker-typescript"}');
    const series = await waitUntil('both replicas’ series', 30_000, async () => {
      const body = (await (await fetch(`${api}/query?query=${query}`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result.length === RUNNING.length ? body.data.result : undefined;
    });
    expect(
      series.map((s) => [s.metric['replica'], s.value[1]]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
    ).toEqual(RUNNING.map((replica) => [String(replica), String(replica)]));
  }, 60_000);
});
