import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeOutcome, runCommand } from '../src/process/run-command.js';
import { err, messageOf, ok, type Result } from '../shared/result.js';
import { cacheRoot } from '../src/toolchain/cache-layout.js';

/** The compose-go version the oracle is built with; its go.mod pins the same. */
export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2';
export const COMPOSE_GO_VERSION = 'v2.16.2';

const SOURCES = ['go.mod', 'go.sum', 'main.go'] as const;

export interface ComposeOracle {
  /** The built program (see devenv/test/compose-oracle/main.go). */
  readonly executable: string;
  /** compose-go's own `loader/testdata`, copied out of the module download. */
  readonly testdata: string;
}

export function oracleSourceDir(projectRoot: string): string {
  return join(projectRoot, 'devenv', 'test', 'compose-oracle');
}

/**
 * Where the oracle for the current sources lives: `.devenv/tools/compose-oracle/<hash>/`, keyed by
 * go.mod, go.sum and main.go, so an edit to any of them builds a new one and reruns find it at once.
 */
export async function composeOracleLocation(projectRoot: string): Promise<ComposeOracle> {
  const hash = createHash('sha256');
  for (const name of SOURCES) hash.update(await readFile(join(oracleSourceDir(projectRoot), name)));
  const dir = join(cacheRoot(projectRoot), 'compose-oracle', hash.digest('hex').slice(0, 16));
  return { executable: join(dir, 'bin', 'compose-oracle'), testdata: join(dir, 'testdata') };
}

/**
 * Builds the oracle with `go` (from the Go module proxy) unless this version is built already, and
 * copies compose-go's loader/testdata beside it, so tests need neither Go nor the module cache.
 */
export async function ensureComposeOracle(
  projectRoot: string,
  go: string,
): Promise<Result<ComposeOracle, string>> {
  // Never throws: the test setup that calls it must go on for every other test.
  try {
    return await build(projectRoot, go);
  } catch (thrown) {
    return err(`building the compose oracle: ${messageOf(thrown)}`);
  }
}

async function build(projectRoot: string, go: string): Promise<Result<ComposeOracle, string>> {
  const oracle = await composeOracleLocation(projectRoot);
  if ((await exists(oracle.executable)) && (await exists(oracle.testdata))) return ok(oracle);
  const source = oracleSourceDir(projectRoot);
  const staging = `${oracle.executable}.${process.pid}`;
  await mkdir(join(staging, '..'), { recursive: true });
  const build = await runCommand(go, ['build', '-trimpath', '-o', staging, '.'], {
    cwd: source,
    timeoutMs: 10 * 60_000,
  });
  if (build.code !== 0) return err(`go build of the compose oracle: ${describeOutcome(build)}`);
  const download = await runCommand(
    go,
    ['mod', 'download', '-json', `${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION}`],
    { cwd: source, timeoutMs: 5 * 60_000 },
  );
  const json = download.tail.slice(download.tail.indexOf('{'), download.tail.lastIndexOf('}') + 1);
  const moduleDir = download.code === 0 ? (JSON.parse(json || '{}') as { Dir?: string }).Dir : '';
  if (!moduleDir) return err(`go mod download of compose-go: ${describeOutcome(download)}`);
  const testdata = `${oracle.testdata}.${process.pid}`;
  await cp(join(moduleDir, 'loader', 'testdata'), testdata, { recursive: true });
  // The module cache is read-only; the copy must be removable later.
  await runCommand('chmod', ['-R', 'u+w', testdata]);
  // Renames are atomic, so a concurrent run sees either nothing or a complete oracle; when two
  // runs build at once, the second finds the first's testdata in place and drops its own copy.
  try {
    await rename(testdata, oracle.testdata);
  } catch (thrown) {
    if (!(await exists(oracle.testdata))) throw thrown;
    await rm(testdata, { recursive: true, force: true });
  }
  await rename(staging, oracle.executable);
  // Builds of earlier sources are never used again.
  const current = dirname(dirname(oracle.executable));
  for (const entry of await readdir(dirname(current)))
    if (entry !== basename(current))
      await rm(join(dirname(current), entry), { recursive: true, force: true });
  return ok(oracle);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
