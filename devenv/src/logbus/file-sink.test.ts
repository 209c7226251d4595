import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { createLogBus } from './log-bus.js';
import type { LogRecord } from './log-record.js';
import { createFileSink, fileNameOf } from './file-sink.js';

const tempDir = useTempDirs('devenv-file-sink-');

let seq = 0;
function record(service: string, text: string, ts = Date.UTC(2024, 4, 1, 10, 0, 0, 5)): LogRecord {
  seq += 1;
  return {
    seq,
    service,
    stream: 'stdout',
    ts,
    received: ts,
    level: undefined,
    msg: text,
    fields: {},
    text,
  };
}

describe('file sink', () => {
  it('writes one file per service, each line as `<ISO time> <stream> <text>`', async () => {
    const dir = join(await tempDir(), 'logs'); // Created on first write.
    const sink = createFileSink({ directory: dir });
    const bus = createLogBus({ sinks: [sink], now: () => Date.UTC(2024, 4, 1, 10, 0, 0, 5) });
    bus.write('api', 'stdout', 'hello\n');
    bus.write('api', 'stderr', 'oops\n');
    // The time is when devenv received the line, also for a line with a time of its own.
    bus.write('api', 'stdout', '{"time":1700000000000,"msg":"own time"}\n');
    bus.append('worker', 'devenv', 'started');
    await bus.close();
    expect(await readFile(join(dir, 'api.log'), 'utf8')).toBe(
      '2024-05-01T10:00:00.005Z stdout hello\n2024-05-01T10:00:00.005Z stderr oops\n' +
        '2024-05-01T10:00:00.005Z stdout {"time":1700000000000,"msg":"own time"}\n',
    );
    expect(await readFile(join(dir, 'worker.log'), 'utf8')).toBe(
      '2024-05-01T10:00:00.005Z devenv started\n',
    );
    expect(sink.dropped()).toBe(0);
  });

  it('appends to the file a previous session left', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'api.log'), 'old line\n');
    const sink = createFileSink({ directory: dir });
    sink.accept([record('api', 'new line')]);
    await sink.close();
    expect(await readFile(join(dir, 'api.log'), 'utf8')).toMatch(
      /^old line\n.* stdout new line\n$/,
    );
  });

  it('rotates by size and keeps the newest N files', async () => {
    const dir = await tempDir();
    const sink = createFileSink({ directory: dir, maxFileBytes: 200, keepFiles: 3 });
    // Each line is 24 (time) + 1 + 6 (stream) + 1 + 17 + 1 = 50 bytes: 4 per file.
    for (let i = 0; i < 30; i++) {
      sink.accept([record('api', `line ${String(i).padStart(12, '0')}`)]);
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1', 'api.log.2', 'api.log.3']);
    const lines = async (name: string): Promise<string[]> =>
      (await readFile(join(dir, name), 'utf8')).trimEnd().split('\n');
    for (const name of ['api.log', 'api.log.1', 'api.log.2', 'api.log.3']) {
      expect((await readFile(join(dir, name))).length).toBeLessThanOrEqual(200);
    }
    const current = await lines('api.log');
    expect(current.at(-1)).toMatch(/line 000000000029$/);
    // The rotated files hold the lines just before, oldest in .3.
    const kept = [
      ...(await lines('api.log.3')),
      ...(await lines('api.log.2')),
      ...(await lines('api.log.1')),
      ...current,
    ].map((l) => Number(l.slice(-12)));
    expect(kept).toEqual(kept.map((_, i) => 30 - kept.length + i));
  });

  it('rotates each service as rotationOf says; a service without one keeps no file', async () => {
    const dir = await tempDir();
    const sink = createFileSink({
      directory: dir,
      rotationOf: (service) =>
        service === 'quiet'
          ? undefined
          : service === 'api'
            ? { maxFileBytes: 100, keepFiles: 1 }
            : { maxFileBytes: 1000, keepFiles: 0 },
    });
    // 50-byte lines (as above): 2 per api file, 20 per worker file.
    for (let i = 0; i < 30; i++) {
      sink.accept(
        ['api', 'quiet', 'worker'].map((s) => record(s, `line ${String(i).padStart(12, '0')}`)),
      );
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1', 'worker.log']);
    const numbers = async (name: string): Promise<number[]> =>
      (await readFile(join(dir, name), 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => Number(l.slice(-12)));
    expect([...(await numbers('api.log.1')), ...(await numbers('api.log'))]).toEqual([
      26, 27, 28, 29,
    ]);
    // keepFiles 0: the file starts afresh when full, holding the newest lines only.
    expect(await numbers('worker.log')).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    // Lines of a service without a file are not losses.
    expect(sink.dropped()).toBe(0);
  });

  it('removes rotated files beyond what the rotation keeps, left by an earlier, larger one', async () => {
    const dir = await tempDir();
    for (const name of ['api.log', 'api.log.1', 'api.log.2', 'api.log.3', 'api.log.4'])
      await writeFile(join(dir, name), 'old line\n');
    const sink = createFileSink({
      directory: dir,
      rotationOf: () => ({ maxFileBytes: 1000, keepFiles: 2 }),
    });
    sink.accept([record('api', 'new line')]);
    await sink.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1', 'api.log.2']);
    expect(await readFile(join(dir, 'api.log'), 'utf8')).toMatch(
      /^old line\n.* stdout new line\n$/,
    );
  });

  it('rotates between whole lines when one batch mixes multi-byte and ASCII text', async () => {
    const dir = await tempDir();
    const sink = createFileSink({ directory: dir, maxFileBytes: 300, keepFiles: 20 });
    const texts = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0 ? `ascii ${i}` : `naïve café ☕ 😀 ${i}`,
    );
    sink.accept(texts.map((text) => record('api', text)));
    await sink.close();
    const names = (await readdir(dir)).sort(
      (a, b) => Number(b.split('.').at(2) ?? 0) - Number(a.split('.').at(2) ?? 0),
    );
    expect(names.length).toBeGreaterThan(3);
    const written: string[] = [];
    for (const name of names) {
      const content = await readFile(join(dir, name), 'utf8');
      // The size budget is counted in chars, as the high-water mark is.
      expect(content.length).toBeLessThanOrEqual(300);
      expect(content.endsWith('\n')).toBe(true);
      written.push(...content.trimEnd().split('\n'));
    }
    expect(written.map((l) => l.slice('2024-05-01T10:00:00.005Z stdout '.length))).toEqual(texts);
  });

  it('keeps each file within maxFileBytes in bytes, also for multi-byte text', async () => {
    const dir = await tempDir();
    const sink = createFileSink({ directory: dir, maxFileBytes: 300, keepFiles: 50 });
    // 32-byte prefix + 17 chars of 3-4 bytes each: a 300-char write would be ~900 bytes.
    const texts = Array.from(
      { length: 40 },
      (_, i) => `☕😀☕😀☕😀☕😀☕😀☕😀 ${String(i).padStart(3, '0')}`,
    );
    sink.accept(texts.map((text) => record('api', text)));
    await sink.close();
    const names = (await readdir(dir)).sort(
      (a, b) => Number(b.split('.').at(2) ?? 0) - Number(a.split('.').at(2) ?? 0),
    );
    const written: string[] = [];
    for (const name of names) {
      const content = await readFile(join(dir, name));
      expect(content.length).toBeLessThanOrEqual(300);
      written.push(...content.toString('utf8').trimEnd().split('\n'));
    }
    expect(written.map((l) => l.slice('2024-05-01T10:00:00.005Z stdout '.length))).toEqual(texts);
  });

  it('writes a line longer than maxFileBytes whole, in a file of its own', async () => {
    const dir = await tempDir();
    const sink = createFileSink({ directory: dir, maxFileBytes: 100, keepFiles: 10 });
    const long = `long ${'x'.repeat(200)}`;
    sink.accept(['a', 'b', long, 'c', 'd'].map((text) => record('api', text)));
    await sink.close();
    const files = await Promise.all(
      ['api.log.2', 'api.log.1', 'api.log'].map(async (n) =>
        (await readFile(join(dir, n), 'utf8'))
          .trimEnd()
          .split('\n')
          .map((l) => l.slice(32)),
      ),
    );
    expect(files).toEqual([['a', 'b'], [long], ['c', 'd']]);
  });

  it('drops and counts what is beyond the high-water mark instead of queueing without bound', async () => {
    const dir = await tempDir();
    const sink = createFileSink({ directory: dir, highWaterBytes: 10_000 });
    // One burst far larger than the mark, faster than any disk: the queue takes what fits.
    const burst = Array.from({ length: 5000 }, (_, i) => record('api', `burst ${i}`));
    sink.accept(burst);
    const dropped = sink.dropped();
    expect(dropped).toBeGreaterThan(4000);
    await sink.close();
    const written = (await readFile(join(dir, 'api.log'), 'utf8')).trimEnd().split('\n');
    expect(written.length + dropped).toBe(5000);
    // What was kept is the start of the burst, in order.
    expect(written.map((l) => l.split(' ').at(-1))).toEqual(written.map((_, i) => String(i)));
  });

  it('reports a write failure as a value and counts the lost lines', async () => {
    const dir = await tempDir();
    const notADirectory = join(dir, 'file');
    await writeFile(notADirectory, '');
    const sink = createFileSink({ directory: notADirectory, retryAfterMs: 10 });
    sink.accept([record('api', 'a'), record('api', 'b')]);
    await sink.close();
    expect(sink.dropped()).toBe(2);
    expect(sink.lastFailure()).toMatchObject({
      reason: 'file-write-failed',
      path: join(notADirectory, 'api.log'),
      message: expect.stringMatching(/EEXIST|ENOTDIR/),
    });
  });

  it('turns service names into safe file names', () => {
    expect(fileNameOf('temporal')).toBe('temporal');
    expect(fileNameOf('../etc/passwd')).toBe('_.._etc_passwd');
    expect(fileNameOf('.hidden')).toBe('_.hidden');
    expect(fileNameOf('')).toBe('_');
  });
});
