import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../shared/result.js';
import type { ResolvedTool, ToolFailure } from '../toolchain/resolve.js';
import { chooseEngine, describeEngine, parseEngineChoice } from './engine-choice.js';

const installed: Result<ResolvedTool, ToolFailure> = ok({
  id: 'postgres',
  path: '/usr/lib/postgresql/15/bin/postgres',
  version: '15.18',
  source: 'system',
});
const missing: Result<ResolvedTool, ToolFailure> = err({
  reason: 'tool-not-found',
  tool: 'postgres',
  wanted: '>=15',
  remediation: 'install PostgreSQL',
});

describe('parseEngineChoice', () => {
  it.each([
    [undefined, undefined, 'auto'],
    [undefined, '', 'auto'],
    [undefined, 'pglite', 'pglite'],
    ['postgres', 'pglite', 'postgres'],
    ['auto', undefined, 'auto'],
  ])('--engine %s, DEVENV_POSTGRES %s: %s', (flag, env, expected) => {
    expect(parseEngineChoice(flag, env)).toEqual(ok(expected));
  });

  it('names the flag or the variable that holds a bad value', () => {
    expect(parseEngineChoice('sqlite', undefined)).toEqual(
      err('--engine sqlite: expected one of auto, postgres, pglite'),
    );
    expect(parseEngineChoice(undefined, 'pg')).toEqual(
      err('DEVENV_POSTGRES pg: expected one of auto, postgres, pglite'),
    );
  });
});

describe('chooseEngine', () => {
  const lookups: string[] = [];
  const find = (result: Result<ResolvedTool, ToolFailure>) => () => {
    lookups.push('postgres');
    return Promise.resolve(result);
  };

  it('auto runs the installed server, and PGlite, saying why, when there is none', async () => {
    expect(await chooseEngine('auto', find(installed), '0.5.14')).toEqual(
      ok({ kind: 'postgres', path: '/usr/lib/postgresql/15/bin/postgres', version: '15.18' }),
    );
    const embedded = await chooseEngine('auto', find(missing), '0.5.14');
    expect(embedded.ok && describeEngine(embedded.value)).toBe(
      'embedded PGlite 0.5.14 (no PostgreSQL server: postgres >=15 not found (PATH, project cache))',
    );
  });

  it('pglite wins over an installed server without looking for it', async () => {
    lookups.length = 0;
    const engine = await chooseEngine('pglite', find(installed), '0.5.14');
    expect(engine.ok && engine.value.kind).toBe('pglite');
    expect(lookups).toEqual([]);
  });

  it('postgres without a server is an error that says what to do', async () => {
    const engine = await chooseEngine('postgres', find(missing), '0.5.14');
    expect(engine).toEqual(
      err(
        'postgres >=15 not found (PATH, project cache)\n  → install PostgreSQL; or use the embedded PGlite (DEVENV_POSTGRES=pglite, or auto)',
      ),
    );
  });
});
