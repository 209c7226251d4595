// Proto generation (devenv proto gen, as the watcher and `npm run proto` call it):
//  - no-op regeneration (nothing changed) — target ≤ 150 ms;
//  - a one-file change, against calling the generator directly on that file (`buf generate
//    --path <file>` with the same plugins) — target ratio ≤ 1.5.
// Both measured in the same run, on a temporary copy of protos/ (medians of N runs each).
// Run: npx tsx bench/proto-gen.ts [runs]
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProtos } from '../devenv/src/proto/generate.js';
import { resolveProtoTools, runBuf } from '../devenv/src/proto/proto-tools.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { systemLocator } from '../devenv/src/toolchain/locator.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { loadVersions } from '../devenv/src/versions/versions-file.js';
import { median } from './devenv-run.js';

const runs = Number(process.argv[2] ?? 7);
const FILE = 'timecop/activities/v1/say_hello.proto';

const loaded = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
if (!loaded.ok) throw new Error('versions.yaml does not parse');
const versions = loaded.value;

const root = await mkdtemp(join(tmpdir(), 'devenv-bench-proto-'));
try {
  await cp(join(PROJECT_ROOT, 'protos'), join(root, 'protos'), {
    recursive: true,
    filter: (src) => !src.startsWith(join(PROJECT_ROOT, 'protos', 'gen')),
  });
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
  // The project's tool cache, so nothing is installed while measuring.
  const toolchain = createToolchain({
    projectRoot: root,
    versions,
    locator: systemLocator(PROJECT_ROOT),
  });
  const gen = async () => {
    const started = performance.now();
    const result = await generateProtos({ projectRoot: root, versions, toolchain });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return { ms: performance.now() - started, outcome: result.value };
  };
  const tools = await resolveProtoTools(root, versions, toolchain, true);
  if (!tools.ok) throw new Error(JSON.stringify(tools.error));
  const direct = async () => {
    const out = await mkdtemp(join(root, 'direct-'));
    const started = performance.now();
    const run = await runBuf(
      tools.value.buf,
      [
        'generate',
        'protos',
        '--template',
        'protos/buf.gen.yaml',
        '-o',
        out,
        '--path',
        `protos/${FILE}`,
      ],
      root,
      tools.value.generateEnv,
    );
    const ms = performance.now() - started;
    if (run.code !== 0) throw new Error(run.output);
    await rm(out, { recursive: true, force: true });
    return ms;
  };
  const path = join(root, 'protos', FILE);
  const original = await readFile(path, 'utf8');

  await mkdir(join(root, '.devenv'), { recursive: true });
  const first = await gen();
  console.log(`full generation (first run)   ${first.ms.toFixed(0)} ms`);
  await direct(); // warm-up: OS caches, buf's module cache

  const noop: number[] = [];
  const incremental: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    const idle = await gen();
    if (idle.outcome.kind !== 'up-to-date') throw new Error('expected a no-op');
    noop.push(idle.ms);
    // A real edit each time (a new comment), so the file's hash differs from the stamp's.
    await writeFile(path, `${original}\n// bench edit ${i}\n`);
    const changed = await gen();
    if (changed.outcome.kind !== 'generated' || changed.outcome.mode !== 'incremental') {
      throw new Error(`expected an incremental run, got ${JSON.stringify(changed.outcome)}`);
    }
    incremental.push(changed.ms);
    baseline.push(await direct());
  }
  const noopMs = median(noop);
  const incMs = median(incremental);
  const directMs = median(baseline);
  console.log(
    `no-op regeneration            ${noopMs.toFixed(1)} ms (median of ${runs}; target ≤ 150 ms)`,
  );
  console.log(`one-file change (${FILE})  ${incMs.toFixed(0)} ms (median of ${runs})`);
  console.log(`buf generate --path that file ${directMs.toFixed(0)} ms (median of ${runs})`);
  console.log(
    `ratio = ${(incMs / directMs).toFixed(3)} (devenv proto gen / generator alone; target ≤ 1.5)`,
  );
  console.log(`no-op = ${(noopMs / 150).toFixed(3)} of its 150 ms budget`);
} finally {
  await rm(root, { recursive: true, force: true });
}
