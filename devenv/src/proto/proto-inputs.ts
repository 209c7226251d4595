import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ProtoLayout } from './proto-layout.js';

/** Directories under protos/ that hold no contracts of ours. */
const NOT_CONTRACTS = new Set(['gen', 'testdata', 'ts', 'node_modules']);
/** buf's configuration: a change to either can change every output. */
export const CONFIG_FILES = ['buf.yaml', 'buf.gen.yaml'] as const;

/** What generation reads: each .proto (path relative to protos/, `/`-separated) with its hash. */
export interface ProtoInputs {
  readonly protos: ReadonlyMap<string, string>;
  /** What each .proto imports (paths as written in `import "…";`). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
  /** Hash of buf's configuration and the generator versions: when it changes, regenerate all. */
  readonly configHash: string;
}

export async function readProtoInputs(
  layout: ProtoLayout,
  generatorVersions: Readonly<Record<string, string>>,
): Promise<ProtoInputs> {
  const files = await listProtos(layout.protosDir, layout.protosDir);
  const contents = await Promise.all(
    files.map(async (file) => [file, await readFile(join(layout.protosDir, file))] as const),
  );
  const config = createHash('sha256');
  for (const name of CONFIG_FILES) {
    config.update(`${name}\0`);
    config.update(await readFile(join(layout.protosDir, name)).catch(() => Buffer.from('')));
  }
  config.update(JSON.stringify(Object.entries(generatorVersions).sort()));
  return {
    protos: new Map(contents.map(([file, data]) => [file, sha256(data)])),
    imports: new Map(contents.map(([file, data]) => [file, importsOf(data.toString('utf8'))])),
    configHash: config.digest('hex'),
  };
}

async function listProtos(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry): Promise<string[]> => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (dir === root && NOT_CONTRACTS.has(entry.name)) return [];
        if (entry.name.startsWith('.')) return [];
        return listProtos(root, path);
      }
      return entry.isFile() && entry.name.endsWith('.proto')
        ? [relative(root, path).split(sep).join('/')]
        : [];
    }),
  );
  return nested.flat().sort();
}

const IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/** The import paths of a .proto text (a file that does not compile fails in buf, with its position). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(IMPORT)].flatMap((m) => (m[1] ? [m[1]] : []));
}

/** `changed` plus every file that imports one of them, directly or not. */
export function withDependents(
  changed: Iterable<string>,
  imports: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const result = new Set(changed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [file, deps] of imports) {
      if (!result.has(file) && deps.some((d) => result.has(d))) {
        result.add(file);
        grew = true;
      }
    }
  }
  return result;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
