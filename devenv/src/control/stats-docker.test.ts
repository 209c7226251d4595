import { describe, expect, it } from 'vitest';
import { containerFigures } from './stats-docker.js';

/** The fields devenv reads of a GET /containers/{id}/stats?stream=false answer (cgroup v2). */
const ANSWER = {
  cpu_stats: {
    cpu_usage: { total_usage: 2_000_000_000 },
    system_cpu_usage: 20_000_000_000,
    online_cpus: 2,
  },
  precpu_stats: { cpu_usage: { total_usage: 1_500_000_000 }, system_cpu_usage: 18_000_000_000 },
  memory_stats: { usage: 12_000_000, limit: 8_000_000_000, stats: { inactive_file: 2_000_000 } },
  pids_stats: { current: 4 },
  networks: { eth0: { rx_bytes: 1_000, tx_bytes: 200 }, eth1: { rx_bytes: 48, tx_bytes: 0 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'read', value: 4_096 },
      { major: 8, minor: 0, op: 'write', value: 8_192 },
      { major: 8, minor: 16, op: 'Read', value: 4_096 },
    ],
  },
};

describe('containerFigures: the Engine stats answer, as the docker CLI computes its columns', () => {
  it('CPU % over the two readings times the CPUs, memory less the page cache, I/O summed', () => {
    expect(containerFigures(ANSWER)).toEqual({
      cpuPercent: 50,
      memoryBytes: 10_000_000,
      memoryLimitBytes: 8_000_000_000,
      pids: 4,
      netIO: { rxBytes: 1_048, txBytes: 200 },
      blockIO: { readBytes: 8_192, writeBytes: 8_192 },
    });
  });

  it('cgroup v1 page cache; a first reading without precpu is 0 %, no networks is no figure', () => {
    const v1 = {
      ...ANSWER,
      precpu_stats: {},
      memory_stats: { usage: 5_000, limit: 10_000, stats: { total_inactive_file: 1_000 } },
      networks: undefined,
      blkio_stats: {},
    };
    expect(containerFigures(v1)).toMatchObject({
      cpuPercent: 0,
      memoryBytes: 4_000,
      netIO: null,
      blockIO: { readBytes: 0, writeBytes: 0 },
    });
  });

  it('an answer of another shape gives no figures rather than failing', () => {
    for (const odd of [null, 'text', [], { memory_stats: { usage: 'x' } }])
      expect(containerFigures(odd)).toMatchObject({
        cpuPercent: null,
        memoryBytes: null,
        pids: null,
      });
  });
});
