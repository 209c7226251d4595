import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { CommandContext } from './command.js';
import { logsCommand } from './logs-command.js';

const tempDir = useTempDirs('logs-replicas-');

/** A project whose `worker` ran as replicas (worker-1, worker-2, worker-10) beside `db`. */
async function project(): Promise<string> {
  const dir = await tempDir();
  const file = join(dir, 'compose.yaml');
  await writeFile(
    file,
    'services:\n  db: {image: busybox}\n  worker: {image: busybox, scale: 3}\n',
  );
  await mkdir(join(dir, '.devenv', 'logs'), { recursive: true });
  for (const name of ['db', 'worker-1', 'worker-2', 'worker-10'])
    await writeFile(
      join(dir, '.devenv', 'logs', `${name}.log`),
      `2026-12-04T19:33:17.453Z stdout hello from ${name}\n`,
    );
  return file;
}

async function logs(file: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const ctx: CommandContext = {
    projectRoot: PROJECT_ROOT,
    env: {},
    stdout: {},
    out: (text) => lines.push(text),
    err: (text) => lines.push(`ERR ${text}`),
  };
  expect(await logsCommand(['--file', file, ...args], ctx)).toBe(0);
  return lines.join('\n');
}

describe('devenv logs of a service with replicas', () => {
  it("prints every replica's log for the service's name, and with all services", async () => {
    const file = await project();
    for (const printed of [await logs(file, 'worker'), await logs(file)])
      for (const replica of ['worker-1', 'worker-2', 'worker-10'])
        expect(printed).toContain(`hello from ${replica}`);
    expect(await logs(file)).toContain('hello from db');
    const one = await logs(file, 'worker-2');
    expect(one).toContain('hello from worker-2');
    expect(one).not.toContain('hello from worker-1');
  });
});
