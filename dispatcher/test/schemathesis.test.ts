import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../devenv/src/process/run-command.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { ensurePythonEnv, type PythonEnv } from '../../devenv/src/toolchain/python-env.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { startDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * schemathesis (PyPI, pinned in versions.yaml, its own venv under .devenv/python/) against the
 * served /openapi.json: every operation, coverage + fuzzing + stateful phases (links follow a start
 * to describe/result/cancel), all checks: responses conform to the document, schema-valid input is
 * accepted, schema-violating input is rejected, undeclared methods answer 405, no 5xx.
 */
let temporal: DevServer;
let dispatcher: DispatcherProcess;
let venv: PythonEnv;
let scratch: string;

beforeAll(async () => {
  const versions = await loadProjectVersions();
  const env = await ensurePythonEnv({
    projectRoot: PROJECT_ROOT,
    versions,
    toolchain: createToolchain({ projectRoot: PROJECT_ROOT, versions }),
    name: 'schemathesis',
    libraries: ['schemathesis-python'],
    log: (line) => process.stderr.write(`schemathesis: ${line}\n`),
  });
  if (!env.ok)
    throw new Error(`could not create the schemathesis venv: ${JSON.stringify(env.error)}`);
  venv = env.value;
  temporal = await startDevServer();
  // Result waits are capped at 0.5 s: generated `wait` values must not hold the run for a minute.
  dispatcher = await startDispatcherProcess({
    TEMPORAL_HOST: temporal.address,
    DISPATCHER_MAX_RESULT_WAIT_MS: '500',
    DISPATCHER_RATE_LIMIT_PER_MINUTE: '0',
  });
  scratch = await mkdtemp(join(tmpdir(), 'schemathesis-'));
}, 600_000);

afterAll(async () => {
  await dispatcher?.stop();
  await temporal?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('OpenAPI conformance (schemathesis)', () => {
  it('passes every check on every operation', async () => {
    const outcome = await runCommand(
      venv.python,
      [
        '-m',
        'schemathesis.cli',
        'run',
        `${dispatcher.httpUrl}/openapi.json`,
        '--url',
        dispatcher.httpUrl,
        '--checks',
        'all',
        '--max-examples',
        '30',
        '--seed',
        process.env['SCHEMATHESIS_SEED'] ?? '1',
        '--request-timeout',
        '20',
        '--no-color',
      ],
      // Its example database (.hypothesis/) goes to a scratch directory, not the repository.
      { cwd: scratch, timeoutMs: 240_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(outcome.code, outcome.tail).toBe(0);
    expect(outcome.tail).toMatch(/\d+ generated, \d+ passed/);
    expect(dispatcher.child.exitCode).toBeNull();
  }, 300_000);
});
