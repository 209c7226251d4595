import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { isExecutable } from '../process/executable.js';
import type { ToolId } from '../versions/tool-ids.js';
import { extractVersion } from '../versions/version-spec.js';
import { cachedExecutable, cacheRoot } from './cache-layout.js';
import type { ToolLocator } from './resolve.js';

const VERSION_TIMEOUT_MS = 10_000;

/** Searches the real PATH, the filesystem and the project cache, and runs version commands. */
export function systemLocator(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): ToolLocator {
  return {
    onPath: async (executable) => {
      const dirs = (env['PATH'] ?? '').split(delimiter).filter((d) => d.length > 0);
      return existing(dirs.map((d) => join(d, executable)));
    },
    inDirs: async (dirs, executable) => {
      const chosen = systemDirsOverride(env) ?? dirs;
      const expanded = (await Promise.all(chosen.map(expandOneStar))).flat();
      return existing(expanded.map((d) => join(d, executable)));
    },
    inCache: async (tool: ToolId, executable) => {
      const versions = await readdir(join(cacheRoot(projectRoot), tool)).catch(() => []);
      const found = await Promise.all(
        versions.map(async (version) => {
          const path = cachedExecutable(projectRoot, tool, version, executable);
          return (await isExecutable(path)) ? { path, version } : undefined;
        }),
      );
      return found.filter((f) => f !== undefined);
    },
    readVersionMarker: async (path, marker) => {
      // latin1 keeps every byte as one char, so the pattern can scan a binary.
      const text = await readFile(path, 'latin1').catch(() => '');
      return marker.exec(text)?.[1];
    },
    readVersion: (path, args) =>
      new Promise((resolve) => {
        execFile(path, [...args], { timeout: VERSION_TIMEOUT_MS, env }, (error, stdout, stderr) => {
          // Some tools print their version on stderr, some exit non-zero after printing it.
          const version = extractVersion(`${stdout}\n${stderr}`);
          resolve(error && version === undefined ? undefined : version);
        });
      }),
  };
}

/**
 * DEVENV_SYSTEM_TOOL_DIRS (a PATH-like list; empty for none) replaces the directories outside
 * PATH where distributions install tools (/usr/lib/postgresql/*\/bin, /usr/sbin): how a test
 * makes an installed tool look absent, with a PATH that lacks it too.
 */
export const SYSTEM_TOOL_DIRS_ENV = 'DEVENV_SYSTEM_TOOL_DIRS';

function systemDirsOverride(env: NodeJS.ProcessEnv): string[] | undefined {
  const value = env[SYSTEM_TOOL_DIRS_ENV];
  return value === undefined ? undefined : value.split(delimiter).filter((d) => d.length > 0);
}

async function existing(paths: string[]): Promise<string[]> {
  const checks = await Promise.all(
    paths.map(async (p) => ((await isExecutable(p)) ? p : undefined)),
  );
  return [...new Set(checks.filter((p) => p !== undefined))];
}

/** `/usr/lib/postgresql/*\/bin` → each existing match, newest name last. */
async function expandOneStar(pattern: string): Promise<string[]> {
  const star = pattern.indexOf('*');
  if (star < 0) return [pattern];
  const parent = dirname(pattern.slice(0, star + 1));
  const slash = pattern.indexOf('/', star);
  const rest = slash < 0 ? '' : pattern.slice(slash);
  const entries = await readdir(parent).catch(() => []);
  return entries
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .reverse()
    .map((e) => join(parent, e) + rest);
}
