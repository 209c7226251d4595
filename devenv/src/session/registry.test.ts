import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { processStartTicks } from '../runtime/process-group.js';
import { listRegistry, registerSession, registryDir, STOPPED_KEPT_MS } from './registry.js';

const makeTempDir = useTempDirs('devenv-registry-');

describe('the ls registry, with this test process as the registered devenv', () => {
  const project = { projectName: 'demo', files: ['/p/compose.yaml'], projectDir: '/p' };

  it('registers once ready, lists it running; stopped, its gone directory drops it', async () => {
    const env = { XDG_RUNTIME_DIR: await makeTempDir() };
    let ready!: () => void;
    const stop = registerSession(project, '/p/.devenv', env, new Promise((r) => (ready = r)));
    // Nothing written before the first service is acted on.
    await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(registryDir(env))).toBe(false);
    ready();
    await expect.poll(async () => (await listRegistry(env)).running.length).toBe(1);
    expect((await listRegistry(env)).running[0]).toMatchObject({
      pid: process.pid,
      projectName: 'demo',
      workingDir: '/p',
      configFiles: ['/p/compose.yaml'],
      stateDir: '/p/.devenv',
    });
    await stop();
    expect(await listRegistry(env)).toEqual({ running: [], stopped: [] });
    expect(readdirSync(registryDir(env))).toEqual([]);
  });

  it('lists a stopped project for a week while its directory exists', async () => {
    const env = { XDG_RUNTIME_DIR: await makeTempDir() };
    const projectDir = await makeTempDir();
    const stop = registerSession(
      { ...project, projectDir },
      `${projectDir}/.devenv`,
      env,
      Promise.resolve(),
    );
    await expect.poll(async () => (await listRegistry(env)).running.length).toBe(1);
    await stop();
    const after = await listRegistry(env);
    expect(after.running).toEqual([]);
    expect(after.stopped).toMatchObject([{ projectName: 'demo', workingDir: projectDir }]);
    // Kept a week, then dropped.
    expect((await listRegistry(env, Date.now() + STOPPED_KEPT_MS + 1)).stopped).toEqual([]);
    expect(readdirSync(registryDir(env))).toEqual([]);
  });

  it('prunes a reused pid (alive, another start time), a dead pid and an unreadable file', async () => {
    const env = { XDG_RUNTIME_DIR: await makeTempDir() };
    const dir = registryDir(env);
    mkdirSync(dir, { recursive: true });
    const ticks = (await processStartTicks(process.pid))!;
    const entry = (pid: number, startTicks: number) =>
      JSON.stringify({
        ...project,
        pid,
        startTicks,
        workingDir: '/p',
        configFiles: [],
        stateDir: '/p',
        startedAt: 1,
      });
    writeFileSync(join(dir, 'live.json'), entry(process.pid, ticks));
    writeFileSync(join(dir, 'reused.json'), entry(process.pid, ticks - 1));
    writeFileSync(join(dir, 'dead.json'), entry(2 ** 22 + 1, ticks));
    writeFileSync(join(dir, 'garbage.json'), '{"pid": 1');
    const listed = await listRegistry(env);
    expect(listed.running.map((e) => e.startTicks)).toEqual([ticks]);
    expect(readdirSync(dir)).toEqual(['live.json']);
  });
});
