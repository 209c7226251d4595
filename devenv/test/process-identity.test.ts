import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { identityOfEntry, identityRuns, processIdentity } from './process-identity.js';

describe('process identity', () => {
  it('names a running process, and not another one given its pid later', () => {
    expect(identityRuns(processIdentity())).toBe(true);
    const [pid, ticks] = processIdentity().split(' ');
    // The same pid with another start time: a process that reused the pid of a dead one.
    expect(identityRuns(`${pid} ${Number(ticks) + 1}`)).toBe(false);
    // A bare pid (a file from before identities) falls back to whether the pid runs.
    expect(identityRuns(String(process.pid))).toBe(true);
    for (const text of ['', '  ', 'x', '0', '-1']) expect(identityRuns(text)).toBe(false);
  });

  it('no longer names a process that has exited', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const identity = processIdentity(child.pid!);
    expect(identityRuns(identity)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(identityRuns(identity)).toBe(false);
  });

  it('reads the entries every version of the test setup wrote', () => {
    const [pid, ticks] = processIdentity().split(' ');
    const self = Number(pid);
    expect(identityRuns(identityOfEntry(self, `${pid} ${ticks}\n`))).toBe(true);
    // The start ticks alone (one version wrote them so): not a pid.
    expect(identityRuns(identityOfEntry(self, ticks!))).toBe(true);
    expect(identityRuns(identityOfEntry(self, ''))).toBe(true);
    expect(identityRuns(identityOfEntry(self, String(Number(ticks) + 1)))).toBe(false);
  });
});
