/**
 * `devenv events` and `devenv stats` of a container service, against a real `devenv up` with the
 * docker runtime and the real Docker Engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeHttpdBox } from '../../test/busybox-image.js';
import { devenvPs, runDevenv, startDevenv, type DevenvRun } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';

const project = `devenv-events-docker-${process.pid}`;
const image = `${project}-box:test`;
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
let docker: Dockerode;

const devenv = (cwd: string, args: readonly string[]) =>
  runDevenv(args, { cwd, env, file: 'compose.yaml', timeoutMs: 120_000 });

describe('devenv events and devenv stats of a container service', () => {
  let dir: string;
  let up: DevenvRun;
  let events: DevenvRun;
  const box = () => devenvPs(dir, ['-f', 'compose.yaml'])['box'];
  const actions = () =>
    events
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as { action: string; id: string; attributes: Record<string, string> },
      );

  beforeAll(async () => {
    docker = await requireDockerEngine();
    dir = await mkdtemp(join(tmpdir(), 'devenv-events-docker-'));
    const service = await writeHttpdBox(dir, image, 'hello\n');
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: ${project}\nservices:\n${service}    restart: always\n    stop_grace_period: 1s\n`,
    );
    up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], dir, env);
    await up.waitFor(/box\s+healthy/, 120_000);
    await waitUntil('ps to show the box container', 10_000, () => box()?.containerId);
    events = startDevenv(['events', '--json', '-f', 'compose.yaml'], dir, env);
    const following = () => events.output().includes('unpause');
    for (let tries = 0; !following() && tries < 100; tries++) {
      await devenv(dir, ['pause', 'box']);
      await devenv(dir, ['unpause', 'box']);
    }
  }, 180_000);
  afterAll(async () => {
    events?.child.kill('SIGINT');
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await removeImage(docker, image);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('stats: the Engine figures of the container, under its 12-character id', async () => {
    const { containerId } = box()!;
    const stats = await devenv(dir, ['stats', '--no-stream', '--format', 'json']);
    expect(stats.code).toBe(0);
    const sample = JSON.parse(stats.stdout) as Record<string, string>;
    expect(sample).toMatchObject({ Name: 'box', ID: containerId!.slice(0, 12), PIDs: '1' });
    expect(sample['MemUsage']).toMatch(/^\d+(\.\d+)?[KM]iB \/ \d+(\.\d+)?GiB$/);
    expect(sample['NetIO']).toMatch(/^\d+(\.\d+)?k?B \/ \d+(\.\d+)?k?B$/);
    expect(sample['CPUPerc']).toMatch(/^\d+\.\d\d%$/);
  });

  it('events: a kill, then die with 137 and stop, named by the container id', async () => {
    const { containerId } = box()!;
    const from = actions().length;
    expect((await devenv(dir, ['kill', 'box'])).code).toBe(0);
    await expect
      .poll(
        () =>
          actions()
            .slice(from)
            .map((e) => e.action),
        { timeout: 30_000 },
      )
      .toEqual(['kill', 'die', 'stop']);
    for (const event of actions().slice(from)) expect(event.id).toBe(containerId);
    expect(actions().at(-2)!.attributes).toMatchObject({ runtime: 'docker', exitCode: '137' });
  });
});
