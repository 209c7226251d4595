import { describe, expect, it } from 'vitest';
import { staleReason, STACK_CACHE_FORMAT, type Dependencies } from './dependencies.js';

const recorded: Dependencies = {
  format: STACK_CACHE_FORMAT,
  sources: 'sources-1',
  key: '{"files":["/p/compose.yaml"]}',
  files: {
    '/p/compose.yaml': 'sha256:aaa',
    '/p/.env': 'missing',
    '/p/api.env': 'sha256:bbb',
  },
  env: { POSTGRES_USER: 'timecop', COMPOSE_PROFILES: null },
};

const changed = (change: Partial<Dependencies>): Dependencies => ({ ...recorded, ...change });
const withFile = (path: string, state: string | undefined): Dependencies => {
  const files: Record<string, string> = { ...recorded.files };
  if (state === undefined) delete files[path];
  else files[path] = state;
  return changed({ files });
};
const withEnv = (name: string, value: string | null | undefined): Dependencies => {
  const env: Record<string, string | null> = { ...recorded.env };
  if (value === undefined) delete env[name];
  else env[name] = value;
  return changed({ env });
};

describe('staleReason', () => {
  it.each<[string, Dependencies, string | undefined]>([
    ['nothing changed', changed({}), undefined],
    [
      'another cache format',
      changed({ format: STACK_CACHE_FORMAT + 1 }),
      'the cache format changed',
    ],
    ["devenv's code edited", changed({ sources: 'sources-2' }), "devenv's stack code changed"],
    ['other flags (profiles, files, services)', changed({ key: '{}' }), 'other options'],
    ['a compose file edited', withFile('/p/compose.yaml', 'sha256:ccc'), '/p/compose.yaml changed'],
    ['an env_file removed', withFile('/p/api.env', 'missing'), '/p/api.env was removed'],
    ['a .env created', withFile('/p/.env', 'sha256:ddd'), '/p/.env was created'],
    ['a file now unreadable', withFile('/p/api.env', 'unreadable: EACCES'), '/p/api.env changed'],
    ['a file not observed again', withFile('/p/api.env', undefined), '/p/api.env changed'],
    ['a variable changed', withEnv('POSTGRES_USER', 'other'), 'POSTGRES_USER changed'],
    ['a variable unset', withEnv('POSTGRES_USER', null), 'POSTGRES_USER was unset'],
    [
      'a variable not observed again',
      withEnv('POSTGRES_USER', undefined),
      'POSTGRES_USER was unset',
    ],
    ['an unset variable set', withEnv('COMPOSE_PROFILES', 'debug'), 'COMPOSE_PROFILES was set'],
    ['an unset variable set to ""', withEnv('COMPOSE_PROFILES', ''), 'COMPOSE_PROFILES was set'],
  ])('%s', (_, now, reason) => {
    expect(staleReason(recorded, now)).toBe(reason);
  });

  it('ignores files and variables that the load did not depend on', () => {
    const now = changed({
      files: { ...recorded.files, '/p/unrelated.yaml': 'sha256:eee' },
      env: { ...recorded.env, HOME: '/root' },
    });
    expect(staleReason(recorded, now)).toBeUndefined();
  });
});
