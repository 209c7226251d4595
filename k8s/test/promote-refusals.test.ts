import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devenv/src/process/free-port.js';
import { requireDockerEngine } from '../../devenv/test/docker-engine.js';
import { promote } from './promote-rig.js';

/**
 * The real `devenv promote` refusing a cluster before it builds or applies anything: one whose
 * API server does not answer, one that is not on this machine. No cluster is needed: the
 * kubeconfig is the test's own (its server a closed loopback port, or a TEST-NET address that
 * is refused before any connection is tried).
 */
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  await requireDockerEngine();
  dir = await mkdtemp(join(tmpdir(), 'devenv-promote-refusals-'));
  kubeconfig = join(dir, 'kubeconfig');
  const closed = await freePort();
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- {name: stopped, cluster: {server: 'https://127.0.0.1:${closed}', insecure-skip-tls-verify: true}}`,
      "- {name: elsewhere, cluster: {server: 'https://192.0.2.10:6443'}}",
      'contexts:',
      '- {name: stopped, context: {cluster: stopped, user: u}}',
      '- {name: elsewhere, context: {cluster: elsewhere, user: u}}',
      'users:',
      '- {name: u, user: {token: not-a-real-token}}',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const target = (context: string) => ({
  context,
  containerdArgs: ['--containerd', join(dir, 'containerd.sock')],
  env: { ...process.env, KUBECONFIG: kubeconfig },
});

describe('devenv promote refuses before it changes anything', () => {
  it('a local cluster whose API server does not answer', async () => {
    const outcome = await promote(target('stopped'), 'refusals', []);
    expect(outcome.code, outcome.tail).toBe(2);
    expect(outcome.tail).toMatch(
      /the API server of context "stopped" \(https:\/\/127\.0\.0\.1:\d+\) does not answer: GET \/version: connect ECONNREFUSED/,
    );
    expect(outcome.tail).toContain('nothing was built or deployed');
    // No step ran: the steps are numbered [n/N] as they start.
    expect(outcome.tail).not.toMatch(/\[1\/\d\]/);
  });

  it('a cluster that is not on this machine, even with a containerd socket named', async () => {
    const outcome = await promote(target('elsewhere'), 'refusals', []);
    expect(outcome.code, outcome.tail).toBe(2);
    expect(outcome.tail).toContain(
      'refusing context "elsewhere" (https://192.0.2.10:6443): its API server is not on this machine',
    );
    expect(outcome.tail).toContain('--allow-context elsewhere');
  });
});
