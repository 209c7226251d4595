import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { portCheck } from './doctor.js';
import { inspectPort } from './port-holders.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A real process holding a real listening socket; resolves with its port once it listens. */
async function startListener(): Promise<{ child: ChildProcess; port: number }> {
  const script = `const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script, 'port-holder-marker'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

describe('port check against a real listening socket', () => {
  it('names the PID and command line of the process holding the port', async () => {
    const { child, port } = await startListener();
    const state = await inspectPort(port);
    expect(state).toEqual({
      free: false,
      holders: [{ pid: child.pid, command: expect.stringContaining('port-holder-marker') }],
    });
    const report = portCheck({ port, service: 'temporal (gRPC)', need: 'required' }, state);
    expect(report).toMatchObject({ id: `port:${port}`, status: 'fail' });
    expect(report.message).toContain(`port ${port} is in use by pid ${child.pid} (`);
    expect(report.remediation).toContain(`kill ${child.pid}`);
  });

  it('reports the port free once the holder is gone', async () => {
    const { child, port } = await startListener();
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await inspectPort(port)).toEqual({ free: true });
  });
});
