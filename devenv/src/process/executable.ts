import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `command` runs from, as a shell would find it: a path (relative to `cwd`) as it is, a
 * bare name in the first of `searchPath`'s directories (a PATH string or a list) that has it.
 */
export async function findExecutable(
  command: string,
  searchPath: string | readonly string[],
  cwd = process.cwd(),
): Promise<string | undefined> {
  const dirs = typeof searchPath === 'string' ? searchPath.split(delimiter) : searchPath;
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : join(cwd, command)]
    : dirs.filter((dir) => dir.length > 0).map((dir) => join(dir, command));
  for (const candidate of candidates) if (await isExecutable(candidate)) return candidate;
  return undefined;
}
