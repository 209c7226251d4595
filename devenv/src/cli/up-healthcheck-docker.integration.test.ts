import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { devenvPs, startDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';

const makeTempDir = useTempDirs();
const project = `devenv-healthcheck-${process.pid}`;
const image = `${project}-box:test`;
let docker: Dockerode;

beforeAll(async () => {
  docker = await requireDockerEngine();
});

afterAll(async () => {
  await removeImage(docker, image);
});

/**
 * `db` is ready 2 s after it starts (its healthcheck tests a file it makes then) and fails again
 * 4 s later; `app` waits for it with Compose's service_healthy; `plain` has no healthcheck.
 * None has an `x-devenv.probe`: the Engine's healthcheck is what Compose waits on.
 */
async function writeProject(dir: string): Promise<string> {
  await writeBusyboxContext(join(dir, 'box'));
  const file = join(dir, 'compose.yaml');
  await writeFile(
    file,
    `name: ${project}
services:
  db:
    build: { context: ./box }
    image: ${image}
    command: [/bin/busybox, sh, -c, "sleep 2; touch /ready; sleep 4; rm /ready; exec sleep 1000"]
    healthcheck:
      test: [CMD, /bin/busybox, test, -f, /ready]
      interval: 300ms
      start_period: 60s
      retries: 1
    stop_grace_period: 1s
  app:
    image: ${image}
    command: [/bin/busybox, sleep, "1000"]
    depends_on: { db: { condition: service_healthy } }
    stop_grace_period: 1s
  plain:
    image: ${image}
    command: [/bin/busybox, sleep, "1000"]
    depends_on: [db]
    stop_grace_period: 1s
`,
  );
  return file;
}

describe('a container healthcheck without an x-devenv probe (real Docker Engine)', () => {
  it('is what service_healthy waits on; unhealthy later, the container is kept, as the Engine keeps it', async () => {
    const dir = await makeTempDir();
    const file = await writeProject(dir);
    const run = startDevenv(['up', '-f', file, '--no-logs', '--no-watch'], dir);
    try {
      await run.waitFor(/app\s+healthy/, 120_000);
      const ready = devenvPs(dir, ['-f', file]);
      const db = ready['db']!;
      expect(db.phase).toBe('healthy');
      expect(db.lastProbe?.detail).toMatch(/^healthcheck healthy \(exit 0/);
      // Not ready while the file was missing: at least the 2 s the container waited.
      expect(db.readyAt! - db.startedAt!).toBeGreaterThanOrEqual(1_900);
      expect(ready['app']!.startedAt!).toBeGreaterThanOrEqual(db.readyAt!);
      expect(ready['plain']!.lastProbe?.detail).toBe('running (no probe, no healthcheck)');

      const later = await waitUntil('db unhealthy', 30_000, () => {
        const now = devenvPs(dir, ['-f', file])['db'];
        return now?.phase === 'unhealthy' ? now : undefined;
      });
      expect(later.lastProbe?.detail).toMatch(/^healthcheck unhealthy \(exit 1/);
      expect(later.restarts).toBe(0);
      expect(later.containerId).toBe(db.containerId);
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
    }
  }, 180_000);
});
