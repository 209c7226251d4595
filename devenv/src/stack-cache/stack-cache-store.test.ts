import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { ok } from '../../shared/result.js';
import { loadStack } from '../model/load-stack.js';
import { expandReplicas } from '../model/replicas.js';
import { PROJECT_ROOT } from '../project-root.js';
import { STACK_CACHE_FORMAT } from './dependencies.js';
import { loadRecorder } from './recorder.js';
import { cacheFile, currentFileState, lookUp, store } from './stack-cache-store.js';

const makeTempDir = useTempDirs();

describe('loadRecorder', () => {
  it('records each variable looked up, with its value or null when unset', () => {
    const recorder = loadRecorder({ SET: 'a', EMPTY: '' });
    const env = recorder.env;
    expect(env.SET).toBe('a');
    expect(Object.hasOwn(env, 'EMPTY')).toBe(true);
    expect('UNSET' in env).toBe(false);
    expect(recorder.recorded()?.env).toEqual({ SET: 'a', EMPTY: '', UNSET: null });
  });

  it('records nothing usable when the whole environment was listed', () => {
    const recorder = loadRecorder({ A: 'a' });
    expect(Object.keys(recorder.env)).toEqual(['A']);
    expect(recorder.recorded()).toBeUndefined();
  });

  it('records each file read as the state a later check observes', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'compose.yaml');
    writeFileSync(path, 'services: {}\n');
    const recorder = loadRecorder({});
    recorder.onRead(path, ok('services: {}\n'));
    recorder.onRead(join(dir, '.env'), { ok: false, error: 'missing' });
    expect(recorder.recorded()?.files).toEqual({
      [path]: currentFileState(path),
      [join(dir, '.env')]: currentFileState(join(dir, '.env')),
    });
    expect(currentFileState(join(dir, '.env'))).toBe('missing');
  });
});

describe('lookUp', () => {
  const sources = 'sources';
  const key = 'key';

  function cached(dir: string) {
    const composeFile = join(dir, 'compose.yaml');
    writeFileSync(composeFile, 'name: x\n');
    const path = cacheFile(join(dir, 'cache'), key);
    const dependencies = {
      format: STACK_CACHE_FORMAT,
      sources,
      key,
      files: { [composeFile]: currentFileState(composeFile) },
      env: { NAME: 'one' },
    };
    expect(store(path, { dependencies, value: { answer: 42 } }).ok).toBe(true);
    return { path, composeFile };
  }

  it('hits while the files and variables are as recorded', async () => {
    const { path } = cached(await makeTempDir());
    expect(lookUp(path, { sources, key, env: { NAME: 'one' } })).toEqual({
      hit: true,
      value: { answer: 42 },
    });
  });

  it('misses, saying why, once a file or variable changed', async () => {
    const { path, composeFile } = cached(await makeTempDir());
    expect(lookUp(path, { sources, key, env: {} })).toEqual({
      hit: false,
      reason: 'NAME was unset',
    });
    writeFileSync(composeFile, 'name: y\n');
    expect(lookUp(path, { sources, key, env: { NAME: 'one' } })).toEqual({
      hit: false,
      reason: `${composeFile} changed`,
    });
  });

  it('misses when nothing is cached, or the cache file is corrupt or unreadable', async () => {
    const dir = await makeTempDir();
    const current = { sources, key, env: {} };
    expect(lookUp(join(dir, 'absent.bin'), current)).toEqual({
      hit: false,
      reason: 'nothing cached',
    });
    writeFileSync(join(dir, 'corrupt.bin'), 'not a serialized entry');
    expect(lookUp(join(dir, 'corrupt.bin'), current).hit).toBe(false);
    mkdirSync(join(dir, 'directory.bin'));
    expect(lookUp(join(dir, 'directory.bin'), current).hit).toBe(false);
    const { path } = cached(dir);
    writeFileSync(path, Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x01]));
    expect(lookUp(path, current)).toEqual({ hit: false, reason: 'unreadable cache file' });
  });
});

describe('store', () => {
  it('keeps the most recently written entries, removing the oldest beyond the limit', async () => {
    const dir = await makeTempDir();
    const dependencies = { format: STACK_CACHE_FORMAT, sources: 's', key: 'k', files: {}, env: {} };
    const [oldest, older, newest] = ['a', 'b', 'c'].map((key) => cacheFile(dir, key));
    store(oldest!, { dependencies, value: 1 }, 2);
    utimesSync(oldest!, new Date(Date.now() - 2000_000), new Date(Date.now() - 2000_000));
    store(older!, { dependencies, value: 2 }, 2);
    utimesSync(older!, new Date(Date.now() - 1000_000), new Date(Date.now() - 1000_000));
    expect(existsSync(oldest!)).toBe(true);
    store(newest!, { dependencies, value: 3 }, 2);
    expect([oldest, older, newest].map((path) => existsSync(path!))).toEqual([false, true, true]);
  });

  it("keeps the project's stack as loaded: it reads back equal, instances and declaration alike", async () => {
    const loaded = await loadStack({
      files: [join(PROJECT_ROOT, 'compose', 'compose.yaml')],
      env: {},
      profiles: ['*'],
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const run = expandReplicas(loaded.value);
    if (!run.ok) throw new Error(run.error.join('\n'));
    const path = join(await makeTempDir(), 'stack.bin');
    const dependencies = { format: STACK_CACHE_FORMAT, sources: 's', key: 'k', files: {}, env: {} };
    store(path, { dependencies, value: run.value });
    const found = lookUp(path, { sources: 's', key: 'k', env: {} });
    expect(found).toEqual({ hit: true, value: run.value });
  });
});
