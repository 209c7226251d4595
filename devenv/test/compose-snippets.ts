// The YAML snippets inside compose-go's own loader tests (loader/*_test.go and loader/tests/),
// loaded by devenv and by the compose-go oracle, and compared as the differential test compares
// corpus files: where the two disagree, a cause for a corpus case (or a deliberate difference).
// Not a test: the snippets are Go string literals, some fragments of a test's larger setup.
// Run (after a test run has built the oracle):
//   npx tsx devenv/test/compose-snippets.ts [--verbose] [loader dir] 2>/dev/null (the oracle warns on stderr)
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainedRejection } from '../src/model/compose-differences.js';
import { loadStack } from '../src/model/load-stack.js';
import { toComposeDocument } from '../src/model/to-compose.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { compareViews, viewOf } from './compose-compare.js';
import {
  COMPOSE_GO_MODULE,
  COMPOSE_GO_VERSION,
  composeOracleLocation,
} from './compose-oracle-build.js';
import { startOracle } from './compose-oracle-client.js';

/** A raw string that is a compose file: it has a top-level key of one. */
const COMPOSE_SNIPPET =
  /^\s*(?:services|name|include|networks|volumes|secrets|configs|x-[a-z]+)\s*:/m;
/** The oracle's answer for a project it loads but cannot print (an ssh entry without a path). */
const ORACLE_CANNOT_PRINT = /cannot print it as JSON/;

const verbose = process.argv.includes('--verbose');
const loaderDir =
  process.argv.slice(2).find((a) => !a.startsWith('--')) ??
  join(
    execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(),
    `${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION}`,
    'loader',
  );

async function snippets(dir: string): Promise<[string, string][]> {
  const found: [string, string][] = [];
  for (const sub of ['', 'tests']) {
    const files = (await readdir(join(dir, sub))).filter((f) => f.endsWith('_test.go')).sort();
    for (const file of files) {
      const source = await readFile(join(dir, sub, file), 'utf8');
      let i = 0;
      for (const [, text] of source.matchAll(/`([^`]*)`/g))
        if (text?.includes('\n') && COMPOSE_SNIPPET.test(text))
          found.push([`${join(sub, file)}#${i++}`, text]);
    }
  }
  return found;
}

// The snippets refer to files beside the tests (example1.env, testdata/…): a copy of the loader
// directory holds them, writable.
const work = await mkdtemp(join(tmpdir(), 'compose-snippets-'));
await cp(loaderDir, work, { recursive: true });
execFileSync('chmod', ['-R', 'u+w', work]);
const client = startOracle((await composeOracleLocation(PROJECT_ROOT)).executable);
const tally = new Map<string, number>();
const count = (outcome: string) => tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
const all = await snippets(loaderDir);
for (const [name, text] of all) {
  const file = join(
    work,
    name.includes('/') ? 'tests' : '',
    `snippet-${name.replace(/\W/g, '_')}.yaml`,
  );
  await writeFile(file, text);
  const request = { files: [file], env: {}, profiles: ['*'] };
  const [theirs, ours] = await Promise.all([client.load(request), loadStack(request)]);
  let outcome: string;
  let detail = '';
  if (!theirs.ok && ORACLE_CANNOT_PRINT.test(theirs.error)) outcome = 'oracle cannot print it';
  else if (!theirs.ok && !ours.ok) outcome = 'rejected by both';
  else if (!theirs.ok) [outcome, detail] = ['DIFFERENT: only compose-go rejects it', theirs.error];
  else if (!ours.ok) {
    const explained = explainedRejection(ours.error.map((d) => d.message));
    outcome = explained
      ? `rejected by devenv as documented (${explained})`
      : 'DIFFERENT: only devenv rejects it';
    detail = ours.error.map((d) => `${d.line}:${d.col}: ${d.message}`).join('; ');
  } else {
    const doc = JSON.parse(JSON.stringify(toComposeDocument(ours.value))) as Record<
      string,
      unknown
    >;
    const mismatches = compareViews(viewOf(doc), viewOf(theirs.project));
    outcome = mismatches.length === 0 ? 'loaded alike' : 'DIFFERENT: fields';
    detail = mismatches.map((m) => m.field).join(', ');
  }
  count(outcome);
  if (outcome.startsWith('DIFFERENT') || verbose)
    process.stdout.write(`${name}: ${outcome}${detail ? `\n  ${detail}` : ''}\n`);
}
await client.close();
await rm(work, { recursive: true, force: true });
process.stdout.write(`\n${all.length} snippets from ${loaderDir}\n`);
for (const [outcome, n] of [...tally].sort(([a], [b]) => a.localeCompare(b)))
  process.stdout.write(`  ${String(n).padStart(3)} ${outcome}\n`);
