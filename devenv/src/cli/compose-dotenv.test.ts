import { describe, expect, it } from 'vitest';
import {
  composeDotenvPath,
  withComposeDotenv,
  type ComposeDotenvSource,
} from './compose-dotenv.js';

function source(
  files: Readonly<Record<string, string>>,
  overrides: Partial<ComposeDotenvSource> = {},
): ComposeDotenvSource {
  return {
    flagFiles: undefined,
    envFile: undefined,
    cwd: '/home/ada/shop',
    env: { HOME: '/home/ada' },
    read: (path) => files[path],
    ...overrides,
  };
}

describe('the .env Compose reads its own COMPOSE_* settings from', () => {
  it('--env-file, else the first -f file’s directory, else the working directory', () => {
    const cwd = '/home/ada/shop';
    expect(composeDotenvPath({ cwd, flagFiles: undefined, envFile: 'conf/dev.env' })).toBe(
      '/home/ada/shop/conf/dev.env',
    );
    expect(
      composeDotenvPath({ cwd, flagFiles: ['ops/a.yaml', 'b.yaml'], envFile: undefined }),
    ).toBe('/home/ada/shop/ops/.env');
    expect(composeDotenvPath({ cwd, flagFiles: ['-'], envFile: undefined })).toBe(
      '/home/ada/shop/.env',
    );
    expect(composeDotenvPath({ cwd, flagFiles: [], envFile: undefined })).toBe(
      '/home/ada/shop/.env',
    );
  });

  it('adds COMPOSE_* keys the environment does not set, and nothing else', () => {
    const result = withComposeDotenv(
      source(
        {
          '/home/ada/shop/.env':
            'COMPOSE_FILE=a.yaml:b.yaml\nexport COMPOSE_PROFILES=debug\nCOMPOSE_PROJECT_NAME=${HOME}x\nTAG=1\n',
        },
        { env: { HOME: '/h', COMPOSE_PROJECT_NAME: 'mine' } },
      ),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        HOME: '/h',
        COMPOSE_PROJECT_NAME: 'mine',
        COMPOSE_FILE: 'a.yaml:b.yaml',
        COMPOSE_PROFILES: 'debug',
      },
    });
  });

  it('leaves the environment as it is without a .env, or with one that sets none of them', () => {
    const env = { HOME: '/home/ada' };
    expect(withComposeDotenv(source({}, { env }))).toEqual({ ok: true, value: env });
    const unrelated = source({ '/home/ada/shop/.env': 'TAG=1\n' }, { env });
    expect(withComposeDotenv(unrelated).ok && withComposeDotenv(unrelated)).toEqual({
      ok: true,
      value: env,
    });
  });

  it('reports a .env that does not parse, positioned', () => {
    const result = withComposeDotenv(source({ '/home/ada/shop/.env': 'COMPOSE_FILE="a.yaml\n' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error[0]?.file).toContain('.env');
  });
});
