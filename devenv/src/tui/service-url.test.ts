import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import type { ServiceSpec } from '../model/stack.js';
import { serviceUrl } from './service-url.js';
import { urlOpenerFor } from './url-opener.js';

function service(change: (s: ServiceSpec) => ServiceSpec): ServiceSpec {
  const base = testStack('/tmp', { s: { command: ['x'] } }).services['s']!;
  return change(base);
}

describe('serviceUrl (what o opens)', () => {
  it('prefers x-devenv.url, then the HTTP probe origin, then the first published TCP port', () => {
    const probed = service((s) => ({
      ...s,
      devenv: {
        ...s.devenv,
        probe: {
          ...s.devenv.probe!,
          check: { kind: 'http', url: 'http://127.0.0.1:7081/readyz', expectStatus: 200 },
        },
      },
      ports: [{ host: 9464, container: 9464, hostIp: '127.0.0.1', protocol: 'tcp' }],
    }));
    expect(serviceUrl(probed)).toBe('http://127.0.0.1:7081/');
    expect(
      serviceUrl({ ...probed, devenv: { ...probed.devenv, url: 'http://localhost:8233' } }),
    ).toBe('http://localhost:8233');
    const published = service((s) => ({
      ...s,
      ports: [
        { host: 5353, container: 53, hostIp: undefined, protocol: 'udp' },
        { host: undefined, container: 80, hostIp: undefined, protocol: 'tcp' },
        { host: 3000, container: 3000, hostIp: '0.0.0.0', protocol: 'tcp' },
      ],
    }));
    expect(serviceUrl(published)).toBe('http://127.0.0.1:3000/');
    expect(
      serviceUrl({
        ...published,
        ports: [{ host: 80, container: 80, hostIp: '::1', protocol: 'tcp' }],
      }),
    ).toBe('http://[::1]:80/');
  });

  it('has nothing to open for a service without a page or port', () => {
    expect(serviceUrl(service((s) => s))).toBeUndefined();
  });
});

describe('urlOpenerFor', () => {
  const url = 'http://127.0.0.1:3000/';
  it('uses the platform opener, or $BROWSER', () => {
    expect(urlOpenerFor(url, 'linux', { DISPLAY: ':0' })).toEqual({
      kind: 'command',
      command: 'xdg-open',
      args: [url],
    });
    expect(urlOpenerFor(url, 'darwin', {})).toEqual({
      kind: 'command',
      command: 'open',
      args: [url],
    });
    expect(urlOpenerFor(url, 'linux', { BROWSER: 'firefox' })).toEqual({
      kind: 'command',
      command: 'firefox',
      args: [url],
    });
  });
  it('opens nothing over SSH or without a display, and says why', () => {
    expect(urlOpenerFor(url, 'darwin', { SSH_CONNECTION: '1 2 3 4' })).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('SSH'),
    });
    expect(urlOpenerFor(url, 'linux', {})).toEqual({
      kind: 'none',
      reason: 'no display in this terminal session',
    });
  });
});
