import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseDotenv, parseRawEnvFile } from './dotenv.js';

function parse(text: string, env: Record<string, string> = {}): Record<string, string> {
  const result = parseDotenv(text, '.env', (name) => env[name]);
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

function errors(text: string): string[] {
  const result = parseDotenv(text, '.env', () => undefined);
  if (result.ok) throw new Error('expected errors');
  return result.error.map(formatDiagnostic);
}

describe('.env format (Compose)', () => {
  it('reads the examples of the Compose documentation', () => {
    const env = parse(
      [
        '# a comment',
        '',
        'VAR=VAL',
        'Q="VAL"',
        "S='VAL'",
        'C=VAL # comment',
        'H=VAL# not a comment',
        'QC="VAL # not a comment"',
        'QT="VAL" # comment',
        "LIT='$OTHER ${OTHER}'",
        "ESC='Let\\'s go!'",
        'JSON="{\\"hello\\": \\"json\\"}"',
        'TAB="some\\tvalue"',
        "STAB='some\\tvalue'",
        'UTAB=some\\tvalue',
        'EMPTY=',
        '  SPACED  =   padded value   ',
      ].join('\n'),
    );
    expect(env).toEqual({
      VAR: 'VAL',
      Q: 'VAL',
      S: 'VAL',
      C: 'VAL',
      H: 'VAL# not a comment',
      QC: 'VAL # not a comment',
      QT: 'VAL',
      LIT: '$OTHER ${OTHER}',
      ESC: "Let's go!",
      JSON: '{"hello": "json"}',
      TAB: 'some\tvalue',
      STAB: 'some\\tvalue',
      UTAB: 'some\\tvalue',
      EMPTY: '',
      SPACED: 'padded value',
    });
  });

  it('accepts export, CRLF, a BOM and multi-line double quotes', () => {
    expect(parse('\uFEFFexport A=1\r\nexport  B="x\ny"\r\nC=3\r\n')).toEqual({
      A: '1',
      B: 'x\ny',
      C: '3',
    });
  });

  it('interpolates unquoted and double-quoted values; the environment wins over the file', () => {
    expect(
      parse(
        'HOST=db\nURL=postgres://${HOST}:${PORT:-5432}\nQ="$HOST"\nS=\'$HOST\'\nUSER=file\nWHO=$USER',
        {
          USER: 'shell',
        },
      ),
    ).toEqual({
      HOST: 'db',
      URL: 'postgres://db:5432',
      Q: 'db',
      S: '$HOST',
      USER: 'file',
      WHO: 'shell',
    });
  });

  it('passes a bare KEY through from the environment when it is set', () => {
    expect(parse('FROM_SHELL\nMISSING\nA=1', { FROM_SHELL: 'yes' })).toEqual({
      FROM_SHELL: 'yes',
      A: '1',
    });
  });

  it('positions errors at line and column', () => {
    expect(errors('A=1\nB="open\n')).toEqual([
      '.env:2:3: unterminated double quote in B\n  → close the value with "',
    ]);
    expect(errors('A=1\n  9X=2\nC=${D:?needed}\nE="x" y')).toEqual([
      '.env:2:3: invalid variable name "9X"\n  → write lines as KEY=VALUE',
      '.env:3:3: required variable D is missing a value: needed\n  → set the variable in the environment or earlier in this file',
      '.env:4:7: unexpected text after the closing quote of E\n  → quote the whole value, or put a space before a # comment',
    ]);
    expect(errors('KEY value')[0]).toMatch(/^\.env:1:5: expected "=" after KEY/);
  });
});

describe('raw format (docker run --env-file)', () => {
  it('takes values verbatim, skips comments and blank lines, copies bare keys that are set', () => {
    const result = parseRawEnvFile(
      '\uFEFF# comment\n\n  A="quoted" # not a comment\r\nB=${NOT_INTERPOLATED}\nC=\nSET\nNOT_SET\n',
      'raw.env',
      (name) => ({ SET: 'from-env' })[name],
    );
    expect(result).toEqual({
      ok: true,
      value: { A: '"quoted" # not a comment', B: '${NOT_INTERPOLATED}', C: '', SET: 'from-env' },
    });
  });

  it('refuses a name with whitespace or no name, at its line', () => {
    const result = parseRawEnvFile('OK=1\nBAD NAME=x\n  =y\n', 'raw.env', () => undefined);
    expect(result.ok ? [] : result.error.map(formatDiagnostic)).toEqual([
      'raw.env:2:1: variable "BAD NAME" contains whitespace\n' +
        '  → write NAME=value with nothing around the "=" (a raw env file takes the value as written)',
      'raw.env:3:3: no variable name before "="\n' +
        '  → write NAME=value with nothing around the "=" (a raw env file takes the value as written)',
    ]);
  });
});
