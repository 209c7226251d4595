import { describe, expect, it } from 'vitest';
import { parseLongPort, parseShortPort } from './ports.js';

const tcp = (host: number | undefined, container: number, hostIp?: string) => ({
  host,
  container,
  hostIp,
  protocol: 'tcp',
});

describe('short port syntax', () => {
  it.each([
    ['8080', [tcp(undefined, 8080)]],
    [8080, [tcp(undefined, 8080)]],
    ['8080:80', [tcp(8080, 80)]],
    ['127.0.0.1:8080:80', [tcp(8080, 80, '127.0.0.1')]],
    ['127.0.0.1::80', [tcp(undefined, 80, '127.0.0.1')]],
    ['[::1]:8080:80', [tcp(8080, 80, '::1')]],
    ['::1:8080:80', [tcp(8080, 80, '::1')]],
    ['8080:80/udp', [{ host: 8080, container: 80, hostIp: undefined, protocol: 'udp' }]],
    ['9090-9091:8080-8081', [tcp(9090, 8080), tcp(9091, 8081)]],
    ['3000-3002', [tcp(undefined, 3000), tcp(undefined, 3001), tcp(undefined, 3002)]],
    // Compose lets the Engine pick one free port of the range: the range is kept.
    ['9000-9010:80', [{ ...tcp(9000, 80), hostEnd: 9010 }]],
    ['0-0:80', [tcp(undefined, 80)]],
    ['9000-9000:80', [tcp(9000, 80)]],
    // An empty host IP is none, as to Compose (immich's `${EXPOSE_PORT-:2283:2283}`).
    [':2283:2283', [tcp(2283, 2283)]],
    ['::80', [tcp(undefined, 80)]],
    ['[]:8080:80', [tcp(8080, 80)]],
  ])('%j', (spec, mappings) => {
    expect(parseShortPort(spec)).toEqual({ ok: true, value: mappings });
  });

  it.each([
    ['http', /container port "http" is not a port number/],
    ['8080:80:90:100/tcp/x', /more than one "\/"/],
    ['70000:80', /outside 0-65535/],
    ['8080:0', /outside 1-65535/],
    ['9091-9090:80', /ends before it starts/],
    ['9090-9092:8080-8081', /3 ports but the container range has 2/],
    ['8080:80/sctp', /protocol "sctp" is not supported/],
    ['[::1:8080:80', /expected \[IPv6\]/],
    ['localhost:8080:80', /host IP "localhost" is not an IP address/],
    ['::8080:80', /host IP ":" is not an IP address/],
  ])('rejects %j', (spec, message) => {
    const result = parseShortPort(spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('long port syntax', () => {
  it('reads target, published, host_ip and protocol', () => {
    expect(
      parseLongPort({ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'udp' }),
    ).toEqual({
      ok: true,
      value: [{ host: 8080, container: 80, hostIp: '127.0.0.1', protocol: 'udp' }],
    });
    expect(parseLongPort({ target: '7233' })).toEqual({ ok: true, value: [tcp(undefined, 7233)] });
    expect(parseLongPort({ target: 80, published: '8000-8010' })).toEqual({
      ok: true,
      value: [{ ...tcp(8000, 80), hostEnd: 8010 }],
    });
  });

  it('rejects a target range, a bad published port and a host IP that is no address', () => {
    expect(parseLongPort({ target: '80-81' }).ok).toBe(false);
    expect(parseLongPort({ target: 80, published: 'x' }).ok).toBe(false);
    expect(parseLongPort({ target: 80, host_ip: 'localhost' })).toEqual({
      ok: false,
      error: '"target 80": host IP "localhost" is not an IP address (like 127.0.0.1 or [::1])',
    });
  });
});
