import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { PROJECT_ROOT } from '../project-root.js';
import { compareViews, viewOf, type Mismatch } from '../../test/compose-compare.js';
import { EXCLUDED, exists, listCorpus, type CorpusCase } from '../../test/compose-corpus-cases.js';
import { composeOracleLocation } from '../../test/compose-oracle-build.js';
import { startOracle, type OracleClient } from '../../test/compose-oracle-client.js';
import { COMPOSE_DIFFERENCES, explainedRejection } from './compose-differences.js';
import { renderConfig } from '../cli/config-command.js';
import { loadStack, parseStack } from './load-stack.js';
import { toComposeDocument } from './to-compose.js';

/**
 * devenv's loader against compose-go (the library Docker Compose uses), file by file, on every
 * field devenv models: compose-go's own loader/testdata and the project's cases in
 * devenv/test/compose-corpus/. A file either rejects must be rejected by the other too, except
 * where compose-differences.ts says why not.
 */

const oracle = await composeOracleLocation(PROJECT_ROOT);
const oracleBuilt = (await exists(oracle.executable)) && (await exists(oracle.testdata));
const cases = oracleBuilt ? await listCorpus(oracle.testdata) : [];

/** Problems of a file as a whole, which have no line to point at. */
const WHOLE_FILE_PROBLEM = /^the file is empty$/;

type Outcome =
  | { kind: 'compared'; fields: number }
  | { kind: 'rejected by both' }
  | { kind: 'explained'; difference: string };

const outcomes = new Map<string, Outcome>();
const mismatchesByField = new Map<string, string[]>();

describe('devenv loads Compose files as compose-go does', () => {
  let client: OracleClient;
  beforeAll(() => {
    client = startOracle(oracle.executable);
  });
  afterAll(async () => {
    await client.close();
    const compared = [...outcomes.values()];
    const fields = compared.reduce((n, o) => n + (o.kind === 'compared' ? o.fields : 0), 0);
    const lines = [
      `compose-go differential: ${cases.length} files, ${Object.keys(EXCLUDED).length} excluded; ` +
        `${compared.filter((o) => o.kind === 'compared').length} loaded by both (${fields} fields compared), ` +
        `${compared.filter((o) => o.kind === 'rejected by both').length} rejected by both, ` +
        `${compared.filter((o) => o.kind === 'explained').length} rejected by devenv as documented`,
    ];
    for (const [field, files] of [...mismatchesByField].sort())
      lines.push(`  mismatch ${field}: ${files.length} (${files.join(', ')})`);
    process.stderr.write(`${lines.join('\n')}\n`);
  });

  it('has the compose-go oracle the test setup builds', () => {
    expect(
      oracleBuilt,
      `${oracle.executable} is missing: the test setup builds it with Go (see its log line "compose oracle")`,
    ).toBe(true);
    expect(cases.length).toBeGreaterThan(50);
  });

  it('lists every deliberate difference in docs/compose-differences.md', async () => {
    const docs = await readFile(join(PROJECT_ROOT, 'docs', 'compose-differences.md'), 'utf8');
    for (const id of Object.keys(COMPOSE_DIFFERENCES)) expect(docs).toContain(`\`${id}\``);
  });

  for (const corpusCase of cases) {
    it(corpusCase.name, async () => {
      const { files, env, profiles } = corpusCase;
      const [theirs, ours] = await Promise.all([
        client.load({ files, env, profiles }),
        loadStack({ files, env, profiles }),
      ]);
      const problems = differences(corpusCase, theirs, ours);
      for (const field of new Set(
        problems.mismatches.map((m) => m.field.replace(/^services\.[^.]+\./, 'services.*.')),
      ))
        mismatchesByField.set(field, [...(mismatchesByField.get(field) ?? []), corpusCase.name]);
      // Every problem devenv reports points at the file, line and column to fix.
      const unpositioned = ours.ok
        ? []
        : ours.error.filter((d) => d.line === 0 && !WHOLE_FILE_PROBLEM.test(d.message));
      const report = [
        ...problems.report,
        ...(unpositioned.length > 0
          ? [`${corpusCase.name}: devenv's problems without a line:`]
          : []),
        ...unpositioned.map((d) => `  ${formatDiagnostic(d)}`),
      ];
      if (report.length > 0) expect.fail(report.join('\n'));
    });
  }
});

describe('devenv config of every corpus file devenv loads reads back to the same project', () => {
  let client: OracleClient;
  let dir: string;
  beforeAll(async () => {
    client = startOracle(oracle.executable);
    dir = await mkdtemp(join(tmpdir(), 'devenv-config-'));
  });
  afterAll(async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const corpusCase of cases) {
    it(corpusCase.name, async () => {
      const { files, env, profiles } = corpusCase;
      const loaded = await loadStack({ files, env, profiles });
      if (!loaded.ok) return; // the comparison with compose-go above covers rejected files
      const printed = renderConfig(loaded.value, 'yaml');
      // Nothing from the environment: the printed file has every value resolved already. It has
      // only the services that were active, so all its profiles are enabled.
      const again = parseStack([{ file: 'config.yaml', text: printed }], {
        projectDir: loaded.value.projectDir,
        env: {},
        profiles: ['*'],
      });
      if (!again.ok) expect.fail(again.error.map((d) => formatDiagnostic(d)).join('\n'));
      expect(again.value.projectName).toBe(loaded.value.projectName);
      expect(again.value.services).toEqual(loaded.value.services);
      expect(again.value.startOrder).toEqual(loaded.value.startOrder);

      // And compose-go reads the printed file as the same project too.
      const file = join(dir, `${corpusCase.name.replaceAll('/', '_')}.yaml`);
      await writeFile(file, printed);
      const theirs = await client.load({ files: [file], env: {}, profiles: ['*'] });
      if (!theirs.ok) expect.fail(`compose-go rejects devenv config's output: ${theirs.error}`);
      const view = (document: unknown) =>
        viewOf(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
      const mismatches = compareViews(view(toComposeDocument(loaded.value)), view(theirs.project));
      expect(mismatches).toEqual([]);
    });
  }
});

function differences(
  corpusCase: CorpusCase,
  theirs: Awaited<ReturnType<OracleClient['load']>>,
  ours: Awaited<ReturnType<typeof loadStack>>,
): { mismatches: Mismatch[]; report: string[] } {
  const header = `${corpusCase.name}:`;
  // Our cases say in their names whether Compose must reject them: a case that does not test
  // what it says would pass without proving anything.
  const meantInvalid = corpusCase.name.startsWith('corpus/invalid-');
  if (corpusCase.name.startsWith('corpus/') && meantInvalid === theirs.ok)
    return {
      mismatches: [],
      report: [
        header,
        theirs.ok
          ? '  the case is named invalid-… but compose-go loads it: fix the case'
          : `  compose-go rejects the case, which is not named invalid-…: ${theirs.error}`,
      ],
    };
  if (!theirs.ok && !ours.ok) {
    outcomes.set(corpusCase.name, { kind: 'rejected by both' });
    return { mismatches: [], report: [] };
  }
  if (!theirs.ok) {
    const mismatch = { field: 'loads', devenv: 'loads', compose: theirs.error };
    return {
      mismatches: [mismatch],
      report: [
        header,
        `  compose-go rejects it but devenv loads it; compose-go says: ${theirs.error}`,
      ],
    };
  }
  if (!ours.ok) {
    const explained = explainedRejection(ours.error.map((d) => d.message));
    if (explained) {
      outcomes.set(corpusCase.name, { kind: 'explained', difference: explained });
      return { mismatches: [], report: [] };
    }
    return {
      mismatches: [{ field: 'rejects', devenv: ours.error, compose: 'loads' }],
      report: [
        header,
        '  compose-go loads it but devenv rejects it:',
        ...ours.error.map((d) => `    ${formatDiagnostic(d).replaceAll('\n', '\n    ')}`),
      ],
    };
  }
  let fields = 0;
  const mismatches = compareViews(
    viewOf(JSON.parse(JSON.stringify(toComposeDocument(ours.value))) as Record<string, unknown>),
    viewOf(theirs.project),
    () => fields++,
  );
  outcomes.set(corpusCase.name, { kind: 'compared', fields });
  return {
    mismatches,
    report:
      mismatches.length === 0
        ? []
        : [
            header,
            ...mismatches.map(
              (m) =>
                `  ${m.field}\n    devenv:     ${JSON.stringify(m.devenv)}\n    compose-go: ${JSON.stringify(m.compose)}`,
            ),
          ],
  };
}
