import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { err, ok } from '../../shared/result.js';
import { parseStack } from './load-stack.js';
import { stackLogFiles } from './logging-files.js';
import { loggingWarning, parseLogSize, parseMaxFile, readLogging } from './logging.js';

describe('parseLogSize (Docker json-file max-size: decimal units)', () => {
  it.each([
    ['10m', 10_000_000],
    ['10M', 10_000_000],
    ['500k', 500_000],
    ['1g', 1_000_000_000],
    ['2t', 2_000_000_000_000],
    ['10mb', 10_000_000],
    ['10MiB', 10_000_000],
    ['10 m', 10_000_000],
    ['1.5k', 1500],
    ['2048', 2048],
    ['2048b', 2048],
    [2048, 2048],
    [1.9, 1],
  ] as const)('%j is %d bytes', (value, bytes) => {
    expect(parseLogSize(value)).toEqual(ok(bytes));
  });

  it.each([
    ['', '"" is not a size'],
    ['10x', '"10x" is not a size'],
    ['m', '"m" is not a size'],
    ['-1', '"-1" is not a size'],
    ['1.2.3', '"1.2.3" is not a size'],
    ['1e6', '"1e6" is not a size'],
    [' 10m', '" 10m" is not a size'],
    ['0', '"0" is less than a byte'],
    ['0.5', '"0.5" is less than a byte'],
    ['99999999t', '"99999999t" is too large'],
    [Number.NaN, '"NaN" is not a size'],
    [true, 'expected a size like 10m'],
    [[10], 'expected a size like 10m'],
  ] as const)('%j is refused: %s', (value, message) => {
    expect(parseLogSize(value)).toEqual(err(message));
  });
});

describe('parseMaxFile (the live file included)', () => {
  it.each([
    ['3', 3],
    [3, 3],
    ['+2', 2],
    ['007', 7],
    [1, 1],
    [1000, 1000],
  ] as const)('%j is %d files', (value, files) => {
    expect(parseMaxFile(value)).toEqual(ok(files));
  });

  it.each([
    ['0', '0 is not between 1 and 1000'],
    [1001, '1001 is not between 1 and 1000'],
    ['99999999999999999999', '99999999999999999999 is not between 1 and 1000'],
    ['-1', '"-1" is not a whole number'],
    [2.5, '"2.5" is not a whole number'],
    ['three', '"three" is not a whole number'],
    [null, 'expected a number of files'],
  ] as const)('%j is refused: %s', (value, message) => {
    expect(parseMaxFile(value)).toEqual(err(message));
  });
});

describe('readLogging', () => {
  const file = (driver: string, maxFileBytes: number, files: number) =>
    ok({ kind: 'file', driver, maxFileBytes, files });

  it.each([
    ['absent: devenv’s 4 × 10 MiB', undefined, file('json-file', 10 * 1024 * 1024, 4)],
    ['null', null, file('json-file', 10 * 1024 * 1024, 4)],
    [
      'both options',
      { options: { 'max-size': '1k', 'max-file': '3' } },
      file('json-file', 1000, 3),
    ],
    [
      'max-size alone: one file, as Docker',
      { options: { 'max-size': '1k' } },
      file('json-file', 1000, 1),
    ],
    ['max-file alone', { options: { 'max-file': 2 } }, file('json-file', 10 * 1024 * 1024, 2)],
    ['local driver defaults', { driver: 'local' }, file('local', 20 * 1024 * 1024, 5)],
    [
      'local with max-size',
      { driver: 'local', options: { 'max-size': '1m' } },
      file('local', 1e6, 5),
    ],
    [
      'another driver still has a file',
      { driver: 'syslog', options: { tag: 'x' } },
      file('syslog', 10 * 1024 * 1024, 4),
    ],
    [
      'null options',
      { driver: 'json-file', options: null },
      file('json-file', 10 * 1024 * 1024, 4),
    ],
    [
      'null option values',
      { options: { 'max-size': null } },
      file('json-file', 10 * 1024 * 1024, 4),
    ],
    ['none', { driver: 'none' }, ok({ kind: 'none' })],
  ])('%s', (_, raw, expected) => {
    expect(readLogging(raw)).toEqual(expected);
  });

  it('reports every bad option with its path and a hint', () => {
    const read = readLogging({ driver: 'none', options: { 'max-size': '10x', 'max-file': 0 } });
    expect(read.ok ? [] : read.error.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['options.max-size', '"10x" is not a size'],
      ['options.max-file', '0 is not between 1 and 1000'],
    ]);
  });

  it.each([
    ['a list', [], ''],
    ['a driver that is not a string', { driver: 3 }, 'driver'],
    ['options that are not a mapping', { options: ['max-size=1m'] }, 'options'],
  ])('refuses %s', (_, raw, path) => {
    const read = readLogging(raw);
    expect(read.ok ? 'loaded' : read.error.map((p) => p.path.join('.'))).toEqual([path]);
  });
});

describe('loggingWarning', () => {
  const inFile = (driver: string) =>
    ({ kind: 'file', driver, maxFileBytes: 1000, files: 1 }) as const;
  it.each(['syslog', 'fluentd', 'gelf', 'awslogs', 'journald'])('warns about %s', (driver) => {
    const logging = inFile(driver);
    expect(loggingWarning('web', logging, '.devenv/logs/web.log')).toBe(
      `warning: service "web" asks for the "${driver}" logging driver, which devenv does not run; ` +
        'its output goes to .devenv/logs/web.log instead (and to the TUI and `devenv logs`)',
    );
  });

  it.each(['json-file', 'local'])('is quiet for %s and none', (driver) => {
    expect(loggingWarning('web', inFile(driver), 'x')).toBeUndefined();
    expect(loggingWarning('web', { kind: 'none' }, 'x')).toBeUndefined();
  });
});

describe('logging in a compose file', () => {
  const load = (text: string) =>
    parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: {} });

  it('refuses a bad option where it is written, with the key path', () => {
    const loaded = load(
      'services:\n  web:\n    image: nginx\n    logging:\n      options:\n        max-size: 10q\n        max-file: "0"\n',
    );
    expect(loaded.ok ? [] : loaded.error.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^compose\.yaml:6:19: services\.web\.logging\.options\.max-size: "10q" is not a size\n.*write a size like 10m/,
      ),
      expect.stringMatching(
        /^compose\.yaml:7:19: services\.web\.logging\.options\.max-file: 0 is not between 1 and 1000\n/,
      ),
    ]);
  });

  it('gives each service, and each replica, its rotation, and warns once per foreign driver', () => {
    const loaded = load(
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    scale: 2',
        '    logging: {driver: syslog, options: {max-size: 2k, max-file: 3}}',
        '  quiet:',
        '    image: nginx',
        '    logging: {driver: none}',
        '  plain:',
        '    image: nginx',
        '  later:',
        '    image: nginx',
        '    profiles: [off]',
        '    logging: {driver: gelf}',
        '',
      ].join('\n'),
    );
    if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
    const files = stackLogFiles(loaded.value, (service) => `logs/${service}.log`);
    const bounded = { maxFileBytes: 2000, keepFiles: 2 };
    expect(files.rotationOf('web-1')).toEqual(bounded);
    // A replica `devenv scale` adds after the start.
    expect(files.rotationOf('web-7')).toEqual(bounded);
    expect(files.rotationOf('quiet')).toBeUndefined();
    expect(files.rotationOf('plain')).toEqual({ maxFileBytes: 10 * 1024 * 1024, keepFiles: 3 });
    expect(files.rotationOf('devenv')).toEqual({ maxFileBytes: 10 * 1024 * 1024, keepFiles: 3 });
    expect(files.warnings).toEqual([
      expect.stringMatching(/^warning: service "web" .*logs\/web\.log/),
    ]);
  });
});
