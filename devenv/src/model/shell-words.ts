import { err, ok, type Result } from '../../shared/result.js';

const OPERATORS = new Set([';', '&', '|', '<', '>']);

/**
 * Splits a string command into argv the way Compose does (go-shellwords, POSIX quoting): blanks
 * separate words, single quotes are literal, double quotes allow `\"`, `\\`, `\$` and `` \` ``,
 * a backslash outside quotes escapes the next character. Unlike go-shellwords, which silently
 * stops at an unquoted `;`, `&`, `|`, `<` or `>`, this reports it: the command is not run by a
 * shell, and dropping the rest of the line would hide that.
 */
export function splitShellWords(text: string): Result<string[], string> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 >= text.length) return err('a trailing backslash escapes nothing');
      const n = text[++i] ?? '';
      if (n !== '\n') word += n;
      else if (word === '') inWord = false;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return err('unterminated single quote');
      word += text.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let closed = false;
      for (i++; i < text.length; i++) {
        const d = text[i] ?? '';
        if (d === '"') {
          closed = true;
          break;
        }
        const n = text[i + 1] ?? '';
        if (d === '\\' && (n === '"' || n === '\\' || n === '$' || n === '`')) {
          word += n;
          i++;
        } else word += d;
      }
      if (!closed) return err('unterminated double quote');
    } else if (OPERATORS.has(c)) {
      return err(
        `shell operator "${c}" in a string command, which is split into words, not run by a shell`,
      );
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return ok(words);
}
