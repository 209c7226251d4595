import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';
import { distinct, readRecordedVersions } from './generated-versions.js';
import type { ProtoFailure } from './proto-failure.js';
import { readProtoInputs, withDependents, type ProtoInputs } from './proto-inputs.js';
import { protoLayout, PROTOS_INPUT, type ProtoLayout } from './proto-layout.js';
import { bufResult, PROTOBUF_ES_LIBRARY, resolveProtoTools, runBuf } from './proto-tools.js';
import { readStamp, type Stamp } from './stamp.js';

export interface GenerateOptions {
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly toolchain: Toolchain;
  /** Regenerate everything, whatever the stamp says. */
  readonly force?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export type GenerateOutcome =
  /** Nothing changed since the last generation: nothing was run and no file was touched. */
  | { readonly kind: 'up-to-date' }
  | {
      readonly kind: 'generated';
      /** `incremental`: only the changed .proto files and their dependents went through buf. */
      readonly mode: 'full' | 'incremental';
      /** The .proto files (relative to protos/) that were generated. */
      readonly protos: readonly string[];
      /** Output files (relative to protos/gen/) whose content changed or that are new. */
      readonly written: readonly string[];
      /** Output files removed because their .proto is gone. */
      readonly removed: readonly string[];
    };

/** What a run has to do, decided from the stamp and the inputs alone (pure, for tests). */
export type GenerationPlan =
  | { readonly mode: 'none' }
  | { readonly mode: 'full' }
  | {
      readonly mode: 'incremental';
      readonly protos: readonly string[];
      readonly gone: readonly string[];
    };

export function planGeneration(stamp: Stamp | undefined, inputs: ProtoInputs): GenerationPlan {
  if (!stamp || stamp.configHash !== inputs.configHash) return { mode: 'full' };
  const changed = [...inputs.protos].filter(([file, hash]) => stamp.protos[file]?.hash !== hash);
  const gone = Object.keys(stamp.protos).filter((file) => !inputs.protos.has(file));
  if (changed.length === 0 && gone.length === 0) return { mode: 'none' };
  // A dependent's generated code names the types it imports, so it is regenerated with them.
  const affected = withDependents(
    changed.map(([file]) => file),
    inputs.imports,
  );
  return { mode: 'incremental', protos: [...affected].sort(), gone };
}

/** The generator versions of versions.yaml; part of the config hash, recorded in the stamp. */
export function generatorVersions(versions: Versions): Record<string, string> {
  return {
    buf: versions.tools.buf.text,
    protoc: versions.tools.protoc.text,
    [PROTOBUF_ES_LIBRARY]: versions.libraries[PROTOBUF_ES_LIBRARY] ?? '',
  };
}

/**
 * `devenv proto gen`. Incremental: unchanged inputs touch nothing; changed ones go through buf
 * into a scratch directory first, so a failure leaves protos/gen/ exactly as it was. Then each
 * output whose bytes differ is renamed into place (atomic per file) and the stamp is written
 * last; a run cut short is redone by the next one because the old stamp no longer matches.
 */
export async function generateProtos(
  options: GenerateOptions,
): Promise<Result<GenerateOutcome, ProtoFailure>> {
  const layout = protoLayout(options.projectRoot);
  const generators = generatorVersions(options.versions);
  let inputs: ProtoInputs;
  try {
    inputs = await readProtoInputs(layout, generators);
  } catch (thrown) {
    return err({ reason: 'unexpected-error', detail: `reading protos/: ${messageOf(thrown)}` });
  }
  if (inputs.protos.size === 0) return err({ reason: 'no-protos', dir: layout.protosDir });

  const stamp = options.force ? undefined : await readStamp(layout.stampFile);
  const plan = await checkedPlan(layout, stamp, inputs);
  if (plan.mode === 'none') return ok({ kind: 'up-to-date' });

  const tools = await resolveProtoTools(
    options.projectRoot,
    options.versions,
    options.toolchain,
    true,
    options.env,
  );
  if (!tools.ok) return tools;

  let scratch: string | undefined;
  try {
    await mkdir(layout.scratchDir, { recursive: true });
    scratch = await mkdtemp(join(layout.scratchDir, 'gen-'));
    const only = plan.mode === 'incremental' ? plan.protos : undefined;
    const run = await runBuf(
      tools.value.buf,
      bufGenerateArgs(scratch, only),
      options.projectRoot,
      tools.value.generateEnv,
    );
    const generated = bufResult(run, 'generate');
    if (!generated.ok) return generated;

    const produced = await listFiles(scratch);
    const regenerated = only ?? [...inputs.protos.keys()];
    const protos = stampedProtos(inputs, stamp, regenerated, produced);
    const { written, removed } = await replaceOutputs(layout, scratch, produced, protos);
    await writeStamp(
      layout,
      { schemaVersion: 1, configHash: inputs.configHash, generators },
      protos,
    );
    return ok({ kind: 'generated', mode: plan.mode, protos: regenerated, written, removed });
  } catch (thrown) {
    return err({ reason: 'unexpected-error', detail: `writing protos/gen/: ${messageOf(thrown)}` });
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/** The plan from the stamp, made full when outputs were deleted by hand (or a half-cleaned tree). */
async function checkedPlan(
  layout: ProtoLayout,
  stamp: Stamp | undefined,
  inputs: ProtoInputs,
): Promise<GenerationPlan> {
  const plan = planGeneration(stamp, inputs);
  if (plan.mode !== 'full' && stamp && !(await outputsPresent(layout, stamp))) {
    return { mode: 'full' };
  }
  return plan;
}

function bufGenerateArgs(scratch: string, only: readonly string[] | undefined): string[] {
  return [
    'generate',
    PROTOS_INPUT,
    '--template',
    `${PROTOS_INPUT}/buf.gen.yaml`,
    '-o',
    scratch,
    ...(only ?? []).flatMap((file) => ['--path', `${PROTOS_INPUT}/${file}`]),
  ];
}

/** Each input's hash and outputs: fresh for the regenerated ones, as stamped for the others. */
function stampedProtos(
  inputs: ProtoInputs,
  stamp: Stamp | undefined,
  regenerated: readonly string[],
  produced: readonly string[],
): Stamp['protos'] {
  const byProto = groupByProto(produced);
  const protos: Stamp['protos'] = {};
  for (const [file, hash] of inputs.protos) {
    const previous = stamp?.protos[file];
    protos[file] = regenerated.includes(file)
      ? { hash, outputs: byProto.get(file) ?? [] }
      : (previous ?? { hash, outputs: [] });
  }
  return protos;
}

/**
 * Renames each produced file whose bytes differ into protos/gen/ and removes the outputs no
 * input has any more; both lists sorted.
 */
async function replaceOutputs(
  layout: ProtoLayout,
  scratch: string,
  produced: readonly string[],
  protos: Stamp['protos'],
): Promise<{ written: string[]; removed: string[] }> {
  const keep = new Set(Object.values(protos).flatMap((p) => p.outputs));
  const existing = await listFiles(layout.genDir);
  const removed = existing.filter((f) => f !== stampName(layout) && !keep.has(f));

  const written: string[] = [];
  for (const file of produced) {
    if (await sameContent(join(scratch, file), join(layout.genDir, file))) continue;
    await mkdir(dirname(join(layout.genDir, file)), { recursive: true });
    await rename(join(scratch, file), join(layout.genDir, file));
    written.push(file);
  }
  await Promise.all(removed.map((f) => rm(join(layout.genDir, f), { force: true })));
  return { written: written.sort(), removed: removed.sort() };
}

/** Written last and atomically, with the versions the generated code records. */
async function writeStamp(
  layout: ProtoLayout,
  head: Pick<Stamp, 'schemaVersion' | 'configHash' | 'generators'>,
  protos: Stamp['protos'],
): Promise<void> {
  const recorded = await readRecordedVersions(layout.genDir);
  const next: Stamp = {
    ...head,
    recorded: {
      protocGenEs: distinct(recorded.protocGenEs),
      pythonGencode: distinct(recorded.pythonGencode),
    },
    protos,
  };
  const temp = `${layout.stampFile}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(temp, layout.stampFile);
}

/** `ts/a/b_pb.ts`, `python/a/b_pb2.py(i)` → `a/b.proto`: the naming of both generators. */
export function protoOfOutput(output: string): string | undefined {
  const match = /^(?:ts|python)\/(.+?)(?:_pb\.ts|_pb2\.pyi?)$/.exec(output);
  return match?.[1] ? `${match[1]}.proto` : undefined;
}

function groupByProto(outputs: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const output of outputs) {
    const proto = protoOfOutput(output);
    if (proto === undefined) continue;
    groups.set(proto, [...(groups.get(proto) ?? []), output]);
  }
  return groups;
}

function stampName(layout: ProtoLayout): string {
  return layout.stampFile.slice(layout.genDir.length + 1);
}

async function outputsPresent(layout: ProtoLayout, stamp: Stamp): Promise<boolean> {
  const outputs = Object.values(stamp.protos).flatMap((p) => p.outputs);
  const present = await Promise.all(
    outputs.map((f) =>
      stat(join(layout.genDir, f)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return present.every(Boolean);
}

/** Files under `dir`, relative and `/`-separated; none when it does not exist. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b).catch(() => undefined)]);
  return y !== undefined && x.equals(y);
}
