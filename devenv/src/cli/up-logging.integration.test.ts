import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';

const makeTempDir = useTempDirs('devenv-up-logging-');

const LINES = 1500;
/** Each file line is `<ISO time> stdout line 000123 <40 x>`: 85 bytes, about 23 to a 2k file. */
const WRITER = `for (let i = 1; i <= ${LINES}; i++) console.log('line ' + String(i).padStart(6, '0') + ' ' + 'x'.repeat(40)); setInterval(() => {}, 1000)`;
const MAX_SIZE = 2000;
const MAX_FILE = 3;

function composeFile(): string {
  const native = `x-devenv: { native: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(WRITER)}] } }`;
  return `
name: logopts
services:
  bounded:
    image: example/writer:1
    logging: { driver: json-file, options: { max-size: 2k, max-file: "${MAX_FILE}" } }
    ${native}
  silent:
    image: example/writer:1
    logging: { driver: none }
    ${native}
  shipped:
    image: example/writer:1
    logging: { driver: syslog, options: { syslog-address: "udp://127.0.0.1:514" } }
    ${native}
`;
}

const lastLine = `line ${String(LINES).padStart(6, '0')}`;

describe('devenv up applies Compose logging options to its log files', () => {
  it('bounds a file by max-size × max-file keeping the newest lines, keeps none for driver none, and warns about syslog', async () => {
    const dir = await makeTempDir();
    const logs = join(dir, '.devenv', 'logs');
    await writeFile(join(dir, 'compose.yaml'), composeFile());
    const run = startDevenv(['up', '-f', join(dir, 'compose.yaml')], dir);
    try {
      await run.waitFor(
        /warning: service "shipped" asks for the "syslog" logging driver, which devenv does not run; its output goes to \S+shipped\.log instead/,
      );
      // Every service's last line has passed the bus: printed live, for `silent` too.
      for (const service of ['bounded', 'silent', 'shipped'])
        await run.waitFor(new RegExp(`${service}\\s.*${lastLine}`), 60_000);
      // The file sink writes in the background: wait until the newest line is on disk.
      await waitUntil('the last line in bounded.log', 30_000, async () =>
        (await readFile(join(logs, 'bounded.log'), 'utf8')).includes(lastLine) ? true : undefined,
      );
      await waitUntil('the last line in shipped.log', 30_000, async () =>
        (await readFile(join(logs, 'shipped.log'), 'utf8')).includes(lastLine) ? true : undefined,
      );
    } finally {
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
    }
    const files = (await readdir(logs)).sort();
    expect(files.filter((f) => f.startsWith('bounded'))).toEqual([
      'bounded.log',
      'bounded.log.1',
      'bounded.log.2',
    ]);
    expect(files.filter((f) => f.startsWith('silent'))).toEqual([]);
    let total = 0;
    const kept: number[] = [];
    for (const name of ['bounded.log.2', 'bounded.log.1', 'bounded.log']) {
      const size = (await stat(join(logs, name))).size;
      expect(size).toBeLessThanOrEqual(MAX_SIZE);
      total += size;
      for (const line of (await readFile(join(logs, name), 'utf8')).split('\n')) {
        const number = / stdout line (\d{6}) /.exec(line)?.[1];
        if (number !== undefined) kept.push(Number(number));
      }
    }
    expect(total).toBeLessThanOrEqual(MAX_SIZE * MAX_FILE);
    // The newest lines survive, in order and without a gap, up to the last one written.
    expect(kept.length).toBeGreaterThan(MAX_FILE * 10);
    expect(kept).toEqual(kept.map((_, i) => LINES - kept.length + 1 + i));
    // devenv's rotation for a driver it does not run: all of it fits one 10 MiB file.
    const shipped = await readFile(join(logs, 'shipped.log'), 'utf8');
    expect(shipped.match(/ stdout line \d{6} /g)).toHaveLength(LINES);
  }, 120_000);
});
