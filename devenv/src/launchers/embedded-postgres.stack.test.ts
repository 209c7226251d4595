/**
 * The native stack on a machine without PostgreSQL's server package: PostgreSQL is hidden from
 * the toolchain (PATH and the distribution directories), so the postgres service runs the
 * embedded PGlite, and nothing that depends on it is unavailable. `devenv up --ci` brings every
 * default service to healthy; under `devenv up` the demo workflows complete, and so does one
 * whose activity reads the worker's table in PGlite.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs, startDevenv, type DevenvRun } from '../../test/devenv-process.js';
import { acquireStackLock } from '../../test/stack-lock.js';
import { sessionAuth, stackSmoke } from '../../test/stack-smoke.js';
import { withoutPostgresServer } from '../postgres/hide-postgres.js';
import { PROJECT_ROOT } from '../project-root.js';

const DEFAULT_SERVICES = [
  'postgres',
  'temporal',
  'worker-typescript',
  'worker-python',
  'dispatcher',
];
const DISPATCHER = 'http://127.0.0.1:7070';
const env = withoutPostgresServer(process.env);
const POSTGRES_LOG = join(PROJECT_ROOT, '.devenv', 'logs', 'postgres.log');

describe('the native stack with no PostgreSQL server installed', () => {
  let release: (() => Promise<void>) | undefined;
  let up: DevenvRun | undefined;

  beforeAll(async () => {
    // Other stack tests and benches may hold the ports for a while on a shared machine.
    release = await acquireStackLock(1_500_000);
  }, 1_600_000);

  afterAll(async () => {
    if (up && up.child.exitCode === null) {
      up.child.kill('SIGINT');
      await up.exited;
    }
    await release?.();
  }, 120_000);

  it('devenv up --ci: every default service is healthy, postgres on the embedded PGlite', async () => {
    const before = await stat(POSTGRES_LOG).then(
      (s) => s.size,
      () => 0,
    );
    const ci = startDevenv(['up', '--ci', '--no-watch'], PROJECT_ROOT, env);
    const exit = await ci.exited;
    expect(exit.code, ci.output().slice(-4000)).toBe(0);
    expect(ci.output()).toMatch(/all 5 services ready/);
    // --ci echoes no service output; the service's log file has this run's lines after `before`
    // (or, if it was rotated meanwhile, its predecessor does).
    const current = await readFile(POSTGRES_LOG);
    const log =
      current.length >= before
        ? current.subarray(before).toString()
        : `${(await readFile(`${POSTGRES_LOG}.1`)).subarray(before).toString()}${current.toString()}`;
    expect(log).toMatch(
      /devenv postgres-server: embedded PGlite \d+\.\d+\.\d+ \(no PostgreSQL server: postgres .* not found/,
    );
  }, 600_000);

  it('devenv up: the demo workflows complete, and one that reads Postgres through the worker', async () => {
    up = startDevenv(['up', '--no-logs', '--no-watch'], PROJECT_ROOT, env);
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (up.child.exitCode !== null) throw new Error(`devenv up exited:\n${up.output()}`);
      const states = devenvPs(PROJECT_ROOT);
      if (DEFAULT_SERVICES.every((name) => states[name]?.phase === 'healthy')) break;
      if (Date.now() > deadline)
        throw new Error(`not healthy: ${JSON.stringify(states)}\n${up.output().slice(-4000)}`);
      await sleep(1_000);
    }
    const { greetings } = await stackSmoke(DISPATCHER);
    expect(greetings).toHaveLength(2);

    const started = await fetch(`${DISPATCHER}/typescript/summarize-patient-context`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sessionAuth() },
      body: JSON.stringify({ patient_id: 'patient-001' }),
    });
    const { workflow_id: id } = (await started.json()) as { workflow_id: string };
    const finished = await fetch(
      `${DISPATCHER}/workflows/${encodeURIComponent(id)}/result?wait=60`,
      { signal: AbortSignal.timeout(70_000) },
    );
    // The seed's five events of patient-001, read from PGlite by FetchPatientEvents.
    expect(await finished.json()).toMatchObject({
      status: 'COMPLETED',
      result: { patient_id: 'patient-001', event_count: 5 },
    });

    up.child.kill('SIGINT');
    expect((await up.exited).code).toBe(0);
  }, 600_000);
});
