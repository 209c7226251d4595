import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';

/**
 * The corpus of the compose-go differential test: compose-go's own loader/testdata and the
 * project's cases in devenv/test/compose-corpus/, each with what its two loaders are told.
 */
export interface CorpusCase {
  /** Shown in test names and reports: `testdata/…` (compose-go's) or `corpus/…` (ours). */
  readonly name: string;
  /** The -f files: the case's own, then its overrides. */
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly profiles: readonly string[];
}

const CORPUS = join(PROJECT_ROOT, 'devenv', 'test', 'compose-corpus');

/** The environment every corpus file is loaded with, by both loaders. */
const CORPUS_ENV: Readonly<Record<string, string>> = {
  CORPUS_SET: 'set-value',
  CORPUS_EMPTY: '',
  // compose-go's golden tests set these.
  GOLDEN_TAG: '1.2.3',
  GOLDEN_PORT: '8080',
};

interface CaseOptions {
  readonly profiles?: readonly string[];
  /** More -f files after the case's own, relative to it. */
  readonly overrides?: readonly string[];
  /** Variables on top of CORPUS_ENV. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Per case: what else its loaders are told. */
const CASE_OPTIONS: Readonly<Record<string, CaseOptions>> = {
  'testdata/golden/merge-fragments.yaml': { profiles: ['*'] },
  'testdata/golden/runtime-flags.yaml': { profiles: ['*'] },
  'testdata/golden/web-stack.yaml': { profiles: ['*'] },
  'corpus/depends-on-optional.yaml': { profiles: ['debug'] },
  'corpus/profiles.yaml': { profiles: ['debug'] },
  'corpus/realistic-observability.yaml': { profiles: ['observability'] },
  'corpus/override-files/compose.yaml': { overrides: ['override.yaml', 'sub/override.yaml'] },
  'corpus/override-empty/compose.yaml': { overrides: ['extras.yaml', 'blank.yaml'] },
  'corpus/project-env.yaml': {
    env: { COMPOSE_PROJECT_NAME: 'from-environment', COMPOSE_PROFILES: 'debug' },
  },
};

/**
 * Files left out, each with the reason. None today: what devenv cannot run (provider services,
 * replicas, hooks) it refuses with the message compose-differences.ts documents, which each case
 * checks; keep it that way rather than growing this list.
 */
export const EXCLUDED: Readonly<Record<string, string>> = {};

/** Every case by name (ours, then compose-go's), excluded ones left out. */
export async function listCorpus(testdata: string): Promise<CorpusCase[]> {
  const found = [
    ...(await yamlFiles(testdata)).map((file) => [`testdata/${relative(testdata, file)}`, file]),
    ...(await projectCaseFiles()).map((file) => [`corpus/${relative(CORPUS, file)}`, file]),
  ] as [string, string][];
  return found
    .filter(([name]) => EXCLUDED[name] === undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, file]) => {
      const options = CASE_OPTIONS[name] ?? {};
      return {
        name,
        files: [file, ...(options.overrides ?? []).map((f) => join(dirname(file), f))],
        env: { ...CORPUS_ENV, ...options.env },
        profiles: options.profiles ?? [],
      };
    });
}

async function yamlFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await yamlFiles(path)));
    else if (/\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** Ours: each .yaml at the top and each directory's compose.yaml; parts/ only serves them. */
async function projectCaseFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(CORPUS, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(join(CORPUS, entry.name));
    if (entry.isDirectory() && entry.name !== 'parts') {
      const file = join(CORPUS, entry.name, 'compose.yaml');
      if (await exists(file)) files.push(file);
    }
  }
  return files;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
