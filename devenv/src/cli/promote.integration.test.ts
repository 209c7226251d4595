import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../project-root.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { loadProjectVersions } from '../../test/project-versions.js';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

/**
 * `devenv promote` as a user runs it, against a real kubeconfig file. No kind cluster can run on
 * this machine (kind's node image needs a registry), so these tests cover what must happen before
 * any cluster is touched. DOCKER_HOST points at a socket that records every request and answers
 * none successfully: building or loading an image would have to go through it.
 */

const makeTempDir = useTempDirs('devenv-promote-');
let helm: string;

beforeAll(async () => {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  // promote's preflight resolves helm and kind; a fresh machine builds them with Go first
  // (minutes, once), which must not count against a test's timeout.
  const [found, kind] = await Promise.all([toolchain.ensure('helm'), toolchain.ensure('kind')]);
  if (!found.ok)
    throw new Error(`helm: ${describeToolFailure(found.error)} → ${found.error.remediation}`);
  if (!kind.ok)
    throw new Error(`kind: ${describeToolFailure(kind.error)} → ${kind.error.remediation}`);
  helm = found.value.path;
}, 20 * 60_000);

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-time-cop
  cluster: {server: 'https://127.0.0.1:9'}
- name: prod
  cluster: {server: 'https://k8s.prod.example.com:6443'}
contexts:
- name: kind-time-cop
  context: {cluster: kind-time-cop, user: dev}
- name: prod
  context: {cluster: prod, user: dev}
users:
- name: dev
  user: {token: not-a-real-token}
current-context: prod
`;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A Docker socket that only listens: every request is recorded and refused. */
async function recordingDockerSocket(dir: string): Promise<{ host: string; requests: string[] }> {
  const requests: string[] = [];
  const path = join(dir, 'docker.sock');
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(503).end('not a Docker Engine');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { host: `unix://${path}`, requests };
}

async function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await promisify(execFile)(command, [...args], {
      cwd: PROJECT_ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (thrown) {
    const e = thrown as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
      ms: Date.now() - started,
    };
  }
}

async function setup() {
  const dir = await makeTempDir();
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, KUBECONFIG);
  const docker = await recordingDockerSocket(dir);
  const env = { ...process.env, KUBECONFIG: kubeconfig, DOCKER_HOST: docker.host, HOME: dir };
  return { env, docker };
}

describe('devenv promote before the cluster (real kubeconfig, real helm)', () => {
  it('a missing context exits 2 with the known contexts, and nothing was built or loaded', async () => {
    const { env, docker } = await setup();
    const result = await run(DEVENV_BIN, ['promote', '--context', 'kind-nope'], env);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `devenv promote: context "kind-nope" is not in ${env.KUBECONFIG}; known contexts: kind-time-cop, prod`,
    );
    expect(result.stderr).toContain('→ create it with `kind create cluster --name nope`');
    expect(result.stdout).toBe('');
    expect(docker.requests).toEqual([]);

    // helm, reading the same file, agrees: it has no such context, and has the others.
    const missing = await run(helm, ['list', '--kube-context', 'kind-nope'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/context "kind-nope" does not exist/);
    const known = await run(helm, ['list', '--kube-context', 'kind-time-cop'], env);
    expect(known.code).not.toBe(0);
    expect(known.stderr).not.toMatch(/does not exist/);
    expect(known.stderr).toMatch(/127\.0\.0\.1:9/);
  });

  it('refuses the current context when it is not a local cluster, and --allow-context lets it through', async () => {
    const { env, docker } = await setup();
    const refused = await run(DEVENV_BIN, ['promote'], env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      'devenv promote: refusing context "prod" (https://k8s.prod.example.com:6443): its API server is not on this machine\'s loopback, so it is not a local cluster',
    );
    expect(refused.stderr).toContain('pass --allow-context prod');
    expect(docker.requests).toEqual([]);

    // Allowed, the preflight goes on (files, helm, kind) and stops at the Engine, which this
    // socket is not: it was asked its version and nothing else.
    const allowed = await run(DEVENV_BIN, ['promote', '--allow-context', 'prod'], env);
    expect(allowed.code, allowed.stderr).toBe(1);
    expect(allowed.stderr).toContain(`the Docker Engine at ${env.DOCKER_HOST} does not answer`);
    expect(docker.requests).toEqual(['GET /version']);
  });

  it('a values file that does not exist exits 2 before anything else', async () => {
    const { env, docker } = await setup();
    const result = await run(
      DEVENV_BIN,
      ['promote', '--allow-context', 'prod', '--values', 'k8s/charts/time-cop/values-nope.yaml'],
      env,
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `values file not found at ${join(PROJECT_ROOT, 'k8s/charts/time-cop/values-nope.yaml')}`,
    );
    expect(docker.requests).toEqual([]);
  });
});
