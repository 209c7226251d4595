import { describe, expect, it } from 'vitest';
import type { StatsSample } from '../control/stats-protocol.js';
import { binarySize, decimalSize, renderStats, statsFormat } from './stats-view.js';

const native: StatsSample = {
  name: 'worker',
  service: 'worker',
  id: '48213',
  runtime: 'native',
  cpuPercent: 12.345,
  memoryBytes: 9_916_416,
  memoryLimitBytes: 8_232_325_120,
  pids: 3,
  netIO: null,
  blockIO: { readBytes: 0, writeBytes: 1_050 },
};
const box: StatsSample = {
  ...native,
  name: 'box',
  service: 'box',
  id: '0123456789abcdef0123',
  runtime: 'docker',
  netIO: { rxBytes: 1_048, txBytes: 0 },
};

const formatOf = (raw: string | undefined) => {
  const format = statsFormat(raw);
  if (!format.ok) throw new Error(format.error);
  return format.value;
};

describe('devenv stats output, as docker stats prints it', () => {
  it("sizes in docker's units: binary for memory, decimal for I/O", () => {
    expect([0, 1023, 9_916_416, 8_232_325_120].map(binarySize)).toEqual([
      '0B',
      '1023B',
      '9.457MiB',
      '7.667GiB',
    ]);
    expect([0, 1_048, 1_500_000].map(decimalSize)).toEqual(['0B', '1.05kB', '1.5MB']);
  });

  it('the default table: docker stats headings, a 12-character container id, -- for no figure', () => {
    expect(renderStats([native, box], formatOf(undefined), { truncate: true })).toBe(
      [
        'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT     MEM %     NET I/O       BLOCK I/O     PIDS',
        '48213          worker    12.35%    9.457MiB / 7.667GiB   0.12%     --            0B / 1.05kB   3',
        '0123456789ab   box       12.35%    9.457MiB / 7.667GiB   0.12%     1.05kB / 0B   0B / 1.05kB   3',
      ].join('\n'),
    );
    expect(renderStats([box], formatOf('table'), { truncate: false })).toContain(box.id);
  });

  it('json: one object a line with docker stats --format json fields', () => {
    const lines = renderStats([native, box], formatOf('json'), { truncate: true }).split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)[0]).toEqual({
      BlockIO: '0B / 1.05kB',
      CPUPerc: '12.35%',
      Container: '48213',
      ID: '48213',
      MemPerc: '0.12%',
      MemUsage: '9.457MiB / 7.667GiB',
      Name: 'worker',
      NetIO: '--',
      PIDs: '3',
    });
    expect(formatOf('{{json .}}')).toEqual({ kind: 'json' });
  });

  it('a template, with or without table, fills the fields it names', () => {
    expect(renderStats([native], formatOf('{{.Name}}: {{ .MemPerc }}'), { truncate: true })).toBe(
      'worker: 0.12%',
    );
    expect(renderStats([native], formatOf('table {{.Name}}\\t{{.PIDs}}'), { truncate: true })).toBe(
      'NAME      PIDS\nworker    3',
    );
  });

  it('refuses a field docker stats does not have, and a template naming none', () => {
    expect(statsFormat('{{.Cpu}}')).toEqual({
      ok: false,
      error: expect.stringMatching(/^no field \.Cpu; fields: .*CPUPerc/),
    });
    expect(statsFormat('yaml')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/table, json/),
    });
  });
});
