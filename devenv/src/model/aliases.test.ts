import { describe, expect, it } from 'vitest';
import { parseStack } from './load-stack.js';
import { adoptExternalNames, promoteAliases, writtenPath } from './aliases.js';

describe('promoteAliases', () => {
  it('reads x-develop as develop and x-initialSync as initial_sync, remembering where each was', () => {
    const promoted = promoteAliases({
      services: {
        web: { 'x-develop': { watch: [{ path: '.', action: 'sync', 'x-initialSync': true }] } },
      },
    });
    expect(promoted.data).toEqual({
      services: {
        web: { develop: { watch: [{ path: '.', action: 'sync', initial_sync: true }] } },
      },
    });
    // A path into the promoted value leads back to what was written, both old names included.
    expect(
      writtenPath(promoted.renamed, ['services', 'web', 'develop', 'watch', 0, 'initial_sync']),
    ).toEqual(['services', 'web', 'x-develop', 'watch', 0, 'x-initialSync']);
    expect(writtenPath(promoted.renamed, ['services', 'other'])).toEqual(['services', 'other']);
  });

  it('merges x-develop under develop when both are written, develop winning', () => {
    const promoted = promoteAliases({
      services: {
        web: {
          'x-develop': { watch: [{ path: 'a', action: 'rebuild' }], 'x-note': 'old' },
          develop: { watch: [{ path: 'b', action: 'restart' }] },
        },
      },
    });
    expect(promoted.data).toEqual({
      services: {
        web: {
          develop: {
            watch: [
              { path: 'a', action: 'rebuild' },
              { path: 'b', action: 'restart' },
            ],
            'x-note': 'old',
          },
        },
      },
    });
    expect(promoted.renamed).toEqual([]);
  });

  it('leaves a document without aliases as it is', () => {
    const document = { services: { web: { image: 'nginx' } } };
    expect(promoteAliases(document).data).toBe(document);
  });
});

describe('adoptExternalNames', () => {
  it('reads external: {name} as external: true with that name, and reports a conflicting name', () => {
    const adopted = adoptExternalNames({
      volumes: { data: { external: { name: 'shared' } } },
      networks: { net: { name: 'one', external: { name: 'two' } } },
    });
    expect(adopted.data['volumes']).toEqual({ data: { external: true, name: 'shared' } });
    expect(adopted.conflicts).toEqual([
      { path: ['networks', 'net', 'external', 'name'], name: 'one' },
    ]);
  });
});

describe('positions of promoted keys', () => {
  it('points a problem inside x-develop at the line where it is written', () => {
    const text = [
      'services:',
      '  web:',
      '    image: nginx',
      '    x-develop:',
      '      watch:',
      '        - path: ./src',
      '          action: teleport',
    ].join('\n');
    const loaded = parseStack([{ file: 'compose.yaml', text }], { projectDir: '/p', env: {} });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error[0]).toMatchObject({ line: 7, col: 19 });
  });
});
