import { statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { loadStack } from '../model/load-stack.js';
import { containerCreateOptions } from '../runtime/docker-create.js';
import {
  createSessionSecret,
  readSessionToken,
  removeSessionSecret,
  sessionTokenFrom,
  sessionTokenPath,
  SESSION_TOKEN_VAR,
  withSessionToken,
} from './session-secret.js';

const tempDir = useTempDirs('session-secret-');

describe('the session secret', () => {
  it('is new each session, 32 random bytes, owner-only on disk (file 0600, directory 0700)', async () => {
    const stateDir = join(await tempDir(), '.devenv');
    const first = createSessionSecret(stateDir);
    const second = createSessionSecret(stateDir);
    if (!first.ok || !second.ok) throw new Error('not written');
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.value).not.toBe(first.value);
    expect(readSessionToken(stateDir)).toEqual({ ok: true, value: second.value });
    expect(statSync(sessionTokenPath(stateDir)).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  it('is read from the environment first, then the file; gone once the session ends', async () => {
    const stateDir = await tempDir();
    const written = createSessionSecret(stateDir);
    if (!written.ok) throw new Error('not written');
    expect(sessionTokenFrom({ [SESSION_TOKEN_VAR]: 'from-env' }, stateDir)).toBe('from-env');
    expect(sessionTokenFrom({}, stateDir)).toBe(written.value);
    removeSessionSecret(stateDir);
    expect(sessionTokenFrom({}, stateDir)).toBeUndefined();
    const missing = readSessionToken(stateDir);
    expect(!missing.ok && missing.error).toContain('npx devenv up');
  });

  it('refuses a file that does not hold a token', async () => {
    const stateDir = await tempDir();
    writeFileSync(sessionTokenPath(stateDir), 'not a token\n');
    const read = readSessionToken(stateDir);
    expect(read.ok).toBe(false);
  });
});

describe('handing the secret to the services', () => {
  it('puts it in every service’s environment, which is what a container gets (docker runtime)', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'compose.yaml'),
      'services:\n  api:\n    image: api:1\n    environment: {A: b}\n  db:\n    image: db:1\n',
    );
    const loaded = await loadStack({ files: ['compose.yaml'], cwd: dir, env: {} });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const stack = withSessionToken(loaded.value, 'the-token');
    for (const name of ['api', 'db']) {
      const spec = stack.services[name]!;
      expect(spec.environment[SESSION_TOKEN_VAR]).toBe('the-token');
      const create = containerCreateOptions(
        spec,
        `${name}:1`,
        { projectName: 'p', sessionId: 's' },
        'net',
      );
      expect(create.Env).toContain(`${SESSION_TOKEN_VAR}=the-token`);
    }
    expect(stack.services['api']!.environment['A']).toBe('b');
    // The loaded stack itself is not changed.
    expect(loaded.value.services['api']!.environment[SESSION_TOKEN_VAR]).toBeUndefined();
  });
});
