import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shell-words.js';

describe('splitShellWords', () => {
  it.each([
    ['echo hello world', ['echo', 'hello', 'world']],
    ['  spaced\t\tout \n ', ['spaced', 'out']],
    ['-config.file=/etc/loki/local-config.yaml', ['-config.file=/etc/loki/local-config.yaml']],
    [`sh -c 'echo "$HOME" && exit 1'`, ['sh', '-c', 'echo "$HOME" && exit 1']],
    [`say "a \\"quoted\\" \\\\ word" 'it''s'`, ['say', 'a "quoted" \\ word', 'its']],
    ['a\\ b c', ['a b', 'c']],
    [`'' ""`, ['', '']],
    ['x"y"z', ['xyz']],
    ['"\\n stays"', ['\\n stays']],
    ['', []],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual({ ok: true, value: words });
  });

  it.each([
    ["echo 'open", 'unterminated single quote'],
    ['echo "open', 'unterminated double quote'],
    ['echo \\', 'a trailing backslash escapes nothing'],
    ['a && b', /shell operator "&"/],
    ['a | b', /shell operator "\|"/],
    ['a > out', /shell operator ">"/],
  ])('rejects %j', (text, message) => {
    const result = splitShellWords(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
