import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs();

/** A service that writes what interpolation gave it (the file, the environment, `.env`) to out.txt. */
const composeFile = (word: string) => `
name: cached
services:
  hi:
    environment:
      GREETING: \${GREETING:-default}
      OTHER: \${OTHER:-none}
    x-devenv:
      native:
        command: [sh, -c, 'echo "${word} greeting=$$GREETING other=$$OTHER" > out.txt']
  # --ci ends once every service is ready; this one is ready only once hi has written out.txt.
  after:
    depends_on:
      hi: { condition: service_completed_successfully }
    x-devenv:
      native:
        command: ['true']
`;

/**
 * `devenv up --ci` with the cache's explanation on stderr: its exit code, all it printed, and
 * what the service wrote (it runs in the project directory).
 */
async function up(dir: string, env: NodeJS.ProcessEnv = {}) {
  const run = promisify(execFile)(DEVENV_BIN, ['up', '--ci', '-f', join(dir, 'compose.yaml')], {
    cwd: dir,
    env: { ...process.env, DEVENV_METRICS_PORT: 'off', DEVENV_STACK_CACHE: 'explain', ...env },
  });
  try {
    const { stdout, stderr } = await run;
    const service = await readFile(join(dir, 'out.txt'), 'utf8');
    return { code: 0, output: `${stdout}${stderr}${service}` };
  } catch (thrown) {
    const failed = thrown as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('devenv up with the stack cache (real devenv processes)', () => {
  it('uses the cached stack while nothing it was loaded from changed, and honours each change', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, composeFile('first'));

    const missed = await up(dir);
    expect(missed.output).toContain('stack loaded (not cached: nothing cached)');
    expect(missed.output).toContain('first greeting=default other=none');
    expect(missed.code).toBe(0);

    const hit = await up(dir);
    expect(hit.output).toContain('stack from the cache');
    expect(hit.output).toContain('first greeting=default other=none');

    await writeFile(file, composeFile('second'));
    const edited = await up(dir);
    expect(edited.output).toContain(`not cached: ${file} changed`);
    expect(edited.output).toContain('second greeting=default other=none');

    const withVariable = await up(dir, { GREETING: 'hello' });
    expect(withVariable.output).toContain('not cached: GREETING was set');
    expect(withVariable.output).toContain('second greeting=hello');
    expect((await up(dir, { GREETING: 'hello' })).output).toContain('stack from the cache');
    expect((await up(dir, { GREETING: 'bye' })).output).toContain('second greeting=bye');

    await writeFile(join(dir, '.env'), 'OTHER=from-dotenv\n');
    const withDotenv = await up(dir, { GREETING: 'bye' });
    expect(withDotenv.output).toContain(`not cached: ${join(dir, '.env')} was created`);
    expect(withDotenv.output).toContain('other=from-dotenv');
  });

  it('never caches a stack with problems: each run reports them again', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'compose.yaml'), 'services:\n  hi:\n    ports: [nonsense]\n');
    for (let run = 0; run < 2; run++) {
      const failed = await up(dir);
      expect(failed.code).toBe(2);
      expect(failed.output).toContain('not cached: nothing cached');
      expect(failed.output).toMatch(/compose\.yaml:3:\d+: /);
    }
  });
});
