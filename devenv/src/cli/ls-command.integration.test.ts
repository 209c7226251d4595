/**
 * `devenv ls` against two real `devenv up` in two temporary projects, with a registry of their
 * own (XDG_RUNTIME_DIR): both listed with their status counts; one stopped is gone from `ls` and
 * shown exited by `ls -a`; one SIGKILLed is pruned from the registry.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevenv, startDevenv, type DevenvRun } from '../../test/devenv-process.js';
import { registryDir } from '../session/registry.js';

const forever = `[${JSON.stringify(process.execPath)}, -e, "setInterval(() => {}, 1000)"]`;
const service = (name: string) => `
  ${name}:
    image: demo/${name}:1
    x-devenv:
      native:
        command: ${forever}`;

describe('devenv ls with two running projects', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const ups: DevenvRun[] = [];
  const ls = async (...args: string[]) => {
    const result = await runDevenv(['ls', ...args], { cwd: root, env });
    expect(result.stderr).toBe('');
    return result;
  };
  const lsJson = async (...args: string[]) =>
    JSON.parse((await ls('--format', 'json', ...args)).stdout) as unknown;
  const project = async (name: string, services: string[]) => {
    const dir = join(root, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: ${name}\nservices:${services.map(service).join('')}\n`,
    );
    const up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], dir, env);
    ups.push(up);
    for (const s of services) await up.waitFor(new RegExp(`${s}\\s+healthy`));
    return { dir, up };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'devenv-ls-'));
    env = { ...process.env, DEVENV_METRICS_PORT: 'off', XDG_RUNTIME_DIR: join(root, 'run') };
  });
  afterAll(async () => {
    for (const up of ups) up.child.kill('SIGINT');
    await Promise.all(ups.map((up) => up.exited));
    await rm(root, { recursive: true, force: true });
  });

  it('lists both with their counts; a stopped one leaves ls and shows exited in ls -a', async () => {
    const alpha = await project('ls-alpha', ['one']);
    const beta = await project('ls-beta', ['one', 'two']);
    const config = (dir: string) => join(dir, 'compose.yaml');
    await expect
      .poll(() => lsJson(), { timeout: 10_000 })
      .toEqual([
        { Name: 'ls-alpha', Status: 'running(1)', ConfigFiles: config(alpha.dir) },
        { Name: 'ls-beta', Status: 'running(2)', ConfigFiles: config(beta.dir) },
      ]);
    const table = (await ls()).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+STATUS\s+CONFIG FILES$/);
    expect(table[1]).toMatch(/^ls-alpha\s+running\(1\)\s+\S+compose\.yaml$/);
    expect((await ls('-q', '--filter', 'name=beta')).stdout).toBe('ls-beta\n');

    alpha.up.child.kill('SIGINT');
    expect((await alpha.up.exited).code).toBe(0);
    expect(await lsJson()).toEqual([
      { Name: 'ls-beta', Status: 'running(2)', ConfigFiles: config(beta.dir) },
    ]);
    expect(await lsJson('--all')).toEqual([
      { Name: 'ls-alpha', Status: 'exited', ConfigFiles: config(alpha.dir) },
      { Name: 'ls-beta', Status: 'running(2)', ConfigFiles: config(beta.dir) },
    ]);
  }, 120_000);

  it('a SIGKILLed devenv is not listed and its registry file is pruned', async () => {
    const gamma = await project('ls-gamma', ['one']);
    await expect.poll(async () => (await ls('-q')).stdout, { timeout: 10_000 }).toMatch(/ls-gamma/);
    const files = () => readdirSync(registryDir(env)).length;
    const before = files();
    gamma.up.child.kill('SIGKILL');
    await gamma.up.exited;
    expect((await ls('-q', '-a')).stdout).not.toMatch(/ls-gamma/);
    expect(files()).toBe(before - 1);
    // What the killed devenv left running.
    expect((await runDevenv(['down', '-f', 'compose.yaml'], { cwd: gamma.dir, env })).code).toBe(0);
    expect(existsSync(join(gamma.dir, '.devenv', 'session.json'))).toBe(false);
  }, 120_000);
});
