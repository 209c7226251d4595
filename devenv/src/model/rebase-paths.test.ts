import { describe, expect, it } from 'vitest';
import { rebaseServicePaths } from './rebase-paths.js';

describe('rebaseServicePaths (a service from a file in /base)', () => {
  it.each([
    { field: 'build', value: './web', expected: '/base/web' },
    { field: 'build', value: { dockerfile: 'D' }, expected: { dockerfile: 'D', context: '/base' } },
    { field: 'build', value: { context: '/abs' }, expected: { context: '/abs' } },
    {
      field: 'build',
      value: 'https://github.com/o/r.git#main',
      expected: 'https://github.com/o/r.git#main',
    },
    {
      field: 'build',
      value: { context: 'git@github.com:o/r.git' },
      expected: { context: 'git@github.com:o/r.git' },
    },
    { field: 'env_file', value: 'a.env', expected: '/base/a.env' },
    {
      field: 'env_file',
      value: ['a.env', { path: '../b.env', required: false }],
      expected: ['/base/a.env', { path: '/b.env', required: false }],
    },
    {
      field: 'volumes',
      value: ['./data:/data:ro', '/abs:/abs', 'named:/n', '~/x:/x', '/only'],
      expected: ['/base/data:/data:ro', '/abs:/abs', 'named:/n', '~/x:/x', '/only'],
    },
    {
      field: 'volumes',
      value: [
        { type: 'bind', source: 'src', target: '/s' },
        { type: 'volume', source: 'v', target: '/v' },
      ],
      expected: [
        { type: 'bind', source: '/base/src', target: '/s' },
        { type: 'volume', source: 'v', target: '/v' },
      ],
    },
    {
      field: 'develop',
      value: { watch: [{ path: './src', action: 'sync' }] },
      expected: { watch: [{ path: '/base/src', action: 'sync' }] },
    },
    { field: 'develop', value: {}, expected: {} },
    {
      field: 'x-devenv',
      value: { native: { command: ['x'] } },
      expected: { native: { command: ['x'], cwd: '/base' } },
    },
    {
      field: 'x-devenv',
      value: { native: { cwd: 'app' }, hot_reload: { paths: ['src'] }, reload_guard: { cwd: '.' } },
      expected: {
        native: { cwd: '/base/app' },
        hot_reload: { paths: ['/base/src'] },
        reload_guard: { cwd: '/base' },
      },
    },
    { field: 'image', value: './not-a-path', expected: './not-a-path' },
  ])('$field: $value', ({ field, value, expected }) => {
    expect(rebaseServicePaths({ [field]: value }, '/base')).toEqual({ [field]: expected });
  });

  it('leaves a service that is not a mapping as it is', () => {
    expect(rebaseServicePaths(null, '/base')).toBeNull();
  });
});
