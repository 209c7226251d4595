import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { initialServiceState, type ServiceState } from '../engine/service-state.js';
import { execTargetOf, processEnvironment } from './exec-target.js';
import { parseControlRequest } from './protocol.js';

describe('GET /services/{name}/exec', () => {
  it('asks for the exec target of the (URL-decoded) service', () => {
    const parsed = parseControlRequest({ method: 'GET', url: '/services/api%2D2/exec', body: '' });
    expect(parsed).toEqual({ ok: true, value: { kind: 'exec-target', service: 'api-2' } });
  });

  it('takes GET only, and refuses a name that is not URL encoding', () => {
    const post = parseControlRequest({ method: 'POST', url: '/services/api/exec', body: '{}' });
    expect(post).toMatchObject({ ok: false, error: { status: 405, allow: 'GET' } });
    const bad = parseControlRequest({ method: 'GET', url: '/services/%E0%A4%A/exec', body: '' });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
  });
});

describe('execTargetOf', () => {
  const running = (pid: number): ServiceState => ({
    ...initialServiceState('api'),
    phase: 'healthy',
    runtime: 'native',
    pid,
  });

  it("reads a running process's own environment back, as it was started", async () => {
    const child = spawn('sleep', ['30'], { env: { PATH: process.env['PATH'], ONLY_HERE: 'a=b' } });
    await once(child, 'spawn');
    try {
      const target = execTargetOf(running(child.pid!), '/srv/api');
      expect(target).toMatchObject({ runtime: 'native', pid: child.pid, cwd: '/srv/api' });
      expect(target.environment).toEqual({ PATH: process.env['PATH'], ONLY_HERE: 'a=b' });
      expect(target.problem).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('says why when the process is gone', async () => {
    const child = spawn('true');
    await once(child, 'exit');
    const target = execTargetOf(running(child.pid!), '/srv/api');
    expect(target.environment).toEqual({});
    expect(target.problem).toContain(`pid ${child.pid}`);
    expect(processEnvironment(child.pid!).ok).toBe(false);
  });

  it('gives nothing to run in for a service that is not running', () => {
    const stopped = {
      ...initialServiceState('api'),
      phase: 'stopped' as const,
      runtime: 'native' as const,
    };
    expect(execTargetOf(stopped, '/srv/api')).toEqual({
      name: 'api',
      phase: 'stopped',
      runtime: null,
      pid: null,
      containerId: null,
      cwd: null,
      environment: {},
      problem: null,
    });
  });

  it('a container: its id, no environment of its own to read', () => {
    const container: ServiceState = {
      ...initialServiceState('db'),
      phase: 'healthy',
      runtime: 'docker',
      containerId: 'abc123',
    };
    expect(execTargetOf(container, undefined)).toMatchObject({
      runtime: 'docker',
      containerId: 'abc123',
      cwd: null,
      environment: {},
    });
  });
});
