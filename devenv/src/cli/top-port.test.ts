import { describe, expect, it } from 'vitest';
import { nativeBinding } from './port-command.js';
import { cpuTime, psRow, startTime, topTable } from './top-command.js';

describe('devenv top, pure parts', () => {
  it('puts SERVICE and # first and CMD last, padding every column but the last', () => {
    const table = topTable([
      {
        service: 'api',
        replica: '1',
        titles: ['UID', 'PID', 'CMD', 'STIME'],
        processes: [['me', '10', 'node server.js', '09:12']],
      },
      {
        service: 'worker',
        replica: '2',
        titles: ['PID', 'CMD'],
        processes: [['2345', 'python -m worker']],
      },
    ]);
    expect(table.split('\n')).toEqual([
      'SERVICE  #  UID  PID   STIME  CMD',
      'api      1  me   10    09:12  node server.js',
      'worker   2  -    2345  -      python -m worker',
    ]);
  });

  it('prints nothing without processes', () => {
    expect(topTable([{ service: 'api', replica: '1', titles: ['PID'], processes: [] }])).toBe('');
  });

  it('formats CPU time and start time as ps does', () => {
    expect(cpuTime(0.4)).toBe('00:00:00');
    expect(cpuTime(3_725)).toBe('01:02:05');
    expect(cpuTime(2 * 86_400 + 61)).toBe('2-00:01:01');
    const now = new Date(2026, 11, 5, 9, 30).getTime();
    expect(startTime(new Date(2026, 11, 5, 7, 5).getTime(), now)).toBe('07:05');
    expect(startTime(new Date(2026, 10, 28, 7, 5).getTime(), now)).toBe('Nov28');
  });

  it('makes a ps -ef row of a /proc stat: C is CPU per second alive, in percent', () => {
    const boot = new Date(2026, 11, 5, 9, 0).getTime();
    const stat = {
      pid: 42,
      comm: 'node',
      state: 'S',
      ppid: 1,
      pgrp: 42,
      utime: 300,
      stime: 100,
      cutime: 0,
      cstime: 0,
      // Started 10 s after boot, so 20 s alive at `now`: 4 s of CPU is 20 %.
      startTicks: 1_000,
      rssPages: 0,
    };
    expect(psRow(stat, 'me', 'node a.js', boot, boot + 30_000)).toEqual([
      'me',
      '42',
      '1',
      '20',
      '09:00',
      '?',
      '00:00:04',
      'node a.js',
    ]);
  });
});

describe('devenv port, natively', () => {
  const ports = [
    { host: 8080, container: 80, hostIp: undefined, protocol: 'tcp' as const },
    { host: 6005, hostEnd: 6015, container: 9000, hostIp: '0.0.0.0', protocol: 'tcp' as const },
    { host: undefined, container: 53, hostIp: undefined, protocol: 'udp' as const },
  ];

  it('is the host side of the entry, on 127.0.0.1 unless it names an address', () => {
    expect(nativeBinding(ports, 80, 'tcp', 1)).toEqual({ ok: true, value: '127.0.0.1:8080' });
  });

  it('is the i-th port of a range for replica i', () => {
    expect(nativeBinding(ports, 9000, 'tcp', 3)).toEqual({ ok: true, value: '0.0.0.0:6007' });
  });

  it('says what is published when the port is not, and when no host port is given', () => {
    expect(nativeBinding(ports, 80, 'udp', 1)).toEqual({
      ok: false,
      error: 'no port 80/udp in its ports: 80/tcp, 9000/tcp, 53/udp',
    });
    expect(nativeBinding(ports, 53, 'udp', 1)).toMatchObject({
      ok: false,
      error: expect.stringContaining('53/udp has no host port'),
    });
  });
});
