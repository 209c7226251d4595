import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { describeEngineSilence, pingDockerEngine } from './docker-ping.js';

const makeTempDir = useTempDirs('devenv-docker-ping-');
const servers: Server[] = [];
const connections: Socket[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

describe('pingDockerEngine', () => {
  it('answers when the Engine does', async () => {
    const docker = await requireDockerEngine();
    expect(await pingDockerEngine(docker)).toEqual({ ok: true, value: undefined });
  });

  it('says the call failed when nothing listens on the socket', async () => {
    const socketPath = join(await makeTempDir(), 'docker.sock');
    const ping = await pingDockerEngine(new Dockerode({ socketPath }));
    expect(ping.ok).toBe(false);
    if (ping.ok) return;
    expect(ping.error.reason).toBe('call-failed');
    expect(describeEngineSilence(ping.error)).toContain('ENOENT');
  });

  it('gives up after the timeout when the socket accepts but never answers', async () => {
    const socketPath = join(await makeTempDir(), 'silent.sock');
    const silent = createServer((socket) => connections.push(socket));
    servers.push(silent);
    await new Promise<void>((done) => silent.listen(socketPath, done));
    const ping = await pingDockerEngine(new Dockerode({ socketPath }), 200);
    expect(ping).toEqual({ ok: false, error: { reason: 'no-answer-in-time', timeoutMs: 200 } });
    if (!ping.ok) expect(describeEngineSilence(ping.error)).toBe('no answer within 0.2 s');
  });
});
