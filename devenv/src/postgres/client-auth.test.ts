import { describe, expect, it } from 'vitest';
import { hbaConfig, hbaMethods, identConfig, planHba } from './client-auth.js';

/** What initdb --auth=trust wrote, as devenv's launcher ran it before. */
const TRUSTING = `# TYPE  DATABASE        USER            ADDRESS                 METHOD
# "local" is for Unix domain socket connections only
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
local   replication     all                                     trust
`;

describe('client authentication', () => {
  it('reads the method of each rule, whatever its address form', () => {
    expect(hbaMethods(TRUSTING)).toEqual(['trust', 'trust', 'trust', 'trust']);
    expect(
      hbaMethods('host all all 10.0.0.0 255.0.0.0 md5\nhostssl all all samehost cert # note\n'),
    ).toEqual(['md5', 'cert']);
    expect(hbaMethods(hbaConfig())).toEqual([
      'peer',
      'scram-sha-256',
      'scram-sha-256',
      'peer',
      'scram-sha-256',
      'scram-sha-256',
    ]);
  });

  it.each([
    ['a fresh cluster', undefined, true, { kind: 'write', trusted: false }],
    ['one that trusts', TRUSTING, false, { kind: 'write', trusted: true }],
    ['devenv’s own', hbaConfig(), false, { kind: 'keep' }],
    [
      'one the developer wrote with passwords',
      'host all all 127.0.0.1/32 md5\n',
      false,
      { kind: 'keep' },
    ],
  ] as const)('%s', (_what, existing, fresh, plan) => {
    expect(planHba(existing, fresh)).toEqual(plan);
  });

  it('maps only the OS user running devenv to the superuser on the socket', () => {
    const lines = identConfig('alice', 'timecop').split('\n');
    expect(lines.filter((l) => l !== '' && !l.startsWith('#'))).toEqual(['devenv  alice  timecop']);
    expect(identConfig('a b', 'we"ird')).toContain('devenv  "a b"  "we""ird"');
  });
});
