import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevenv } from '../devenv/test/devenv-process.js';
import { removeNewLoadReports } from '../devenv/test/load-reports.js';
import { loadProjectVersions } from '../devenv/test/project-versions.js';
import { listProfiles, profileScript } from '../devenv/src/load/profiles.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { freePort } from '../devenv/src/process/free-port.js';

const run = promisify(execFile);
const PROFILES = ['smoke', 'load', 'stress', 'spike', 'soak'];

describe('load profiles (real k6)', () => {
  let k6: string;
  beforeAll(async () => {
    const toolchain = createToolchain({
      projectRoot: PROJECT_ROOT,
      versions: await loadProjectVersions(),
    });
    const found = await toolchain.ensure('k6');
    if (!found.ok) throw new Error(`k6 unavailable: ${JSON.stringify(found.error)}`);
    k6 = found.value.path;
  }, 120_000);
  afterAll(removeNewLoadReports());

  it('has the five profiles', () => {
    expect(listProfiles(PROJECT_ROOT)).toEqual(PROFILES);
  });

  it.each(PROFILES)(
    '%s: k6 accepts the script (protos load) and it has HTTP + gRPC scenarios and thresholds',
    async (profile) => {
      const { stdout } = await run(k6, ['inspect', profileScript(PROJECT_ROOT, profile)], {
        cwd: PROJECT_ROOT,
      });
      const options = JSON.parse(stdout) as {
        scenarios: Record<string, { exec: string }>;
        thresholds: Record<string, unknown[]>;
      };
      expect(
        Object.values(options.scenarios)
          .map((s) => s.exec)
          .sort(),
      ).toEqual(['grpcStarts', 'httpStarts']);
      for (const metric of ['http_req_failed', 'http_req_duration', 'grpc_req_duration', 'checks'])
        expect(options.thresholds[metric]?.length ?? 0, metric).toBeGreaterThan(0);
    },
  );

  it('devenv load with an unknown profile lists the profiles and exits 2', async () => {
    const devenv = startDevenv(['load', 'smok']);
    const { code } = await devenv.exited;
    expect(code).toBe(2);
    expect(devenv.output()).toContain(
      'unknown profile "smok"; profiles: smoke, load, stress, spike, soak',
    );
  });

  it('a target that is down fails the run within seconds with the reason', async () => {
    const port = await freePort();
    const started = Date.now();
    const devenv = startDevenv([
      'load',
      'soak', // 30 minutes if nothing stopped it
      '--target',
      `http://127.0.0.1:${port}`,
      '--grpc-target',
      `127.0.0.1:${port}`,
      '--no-prometheus',
    ]);
    const { code } = await devenv.exited;
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(devenv.output()).toMatch(
      new RegExp(
        `soak aborted: target not ready: GET http://127.0.0.1:${port}/readyz → .*connection refused`,
      ),
    );
  });
});
