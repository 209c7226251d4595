import { join, relative } from 'node:path';
import { readRecordedVersions, UNRECORDED } from '../proto/generated-versions.js';
import { generatorVersions } from '../proto/generate.js';
import { protoLayout } from '../proto/proto-layout.js';
import { PROTOBUF_ES_LIBRARY, PROTOBUF_PYTHON_LIBRARY } from '../proto/proto-tools.js';
import { readStamp, type Stamp } from '../proto/stamp.js';
import { compare } from '../versions/version-spec.js';
import type { Versions } from '../versions/versions-file.js';
import type { CheckReport } from './report.js';

const REGENERATE =
  'run `npm run proto` (it regenerates protos/gen/ with the versions.yaml generators)';

/**
 * Doctor's second level: the generated code against versions.yaml (the first level, the tools on
 * this machine, is the tool list). Reads the versions the generated files record in their headers,
 * and the stamp generation wrote, and names each file that disagrees.
 */
export async function generatedCodeChecks(
  projectRoot: string,
  versions: Versions,
): Promise<CheckReport[]> {
  const layout = protoLayout(projectRoot);
  const shown = (file: string, sub: 'ts' | 'python') =>
    relative(projectRoot, join(layout.genDir, sub, file));
  const stamp = await readStamp(layout.stampFile);
  const recorded = await readRecordedVersions(join(layout.genDir, 'ts')).then(async (ts) => ({
    protocGenEs: ts.protocGenEs,
    pythonGencode: (await readRecordedVersions(join(layout.genDir, 'python'))).pythonGencode,
  }));
  if (!stamp && Object.keys(recorded.protocGenEs).length === 0) {
    return [
      {
        id: 'generated-code',
        status: 'warn',
        message: 'protos/gen/ has not been generated yet',
        remediation: 'run `npm run proto` (npm test and npm run dev also do it first)',
      },
    ];
  }
  return [
    generatorsCheck(stamp, versions),
    typescriptCheck(recorded.protocGenEs, versions, (f) => shown(f, 'ts')),
    pythonCheck(recorded.pythonGencode, versions, (f) => shown(f, 'python')),
  ];
}

/** Generated-file name → the version its header records. */
type RecordedByFile = Readonly<Record<string, string>>;

/** The stamp's generators against versions.yaml's. */
function generatorsCheck(stamp: Stamp | undefined, versions: Versions): CheckReport {
  const wantedGenerators = generatorVersions(versions);
  const drift = Object.entries(wantedGenerators).filter(
    ([tool, version]) => stamp?.generators[tool] !== version,
  );
  if (drift.length === 0)
    return {
      id: 'generated-code:generators',
      status: 'ok',
      message: `protos/gen/ made by ${describe(wantedGenerators)}`,
      remediation: null,
    };
  return {
    id: 'generated-code:generators',
    status: 'fail',
    message: stamp
      ? `protos/gen/ was made by ${drift.map(([t]) => `${t} ${stamp.generators[t] ?? '?'}`).join(', ')}; versions.yaml wants ${drift.map(([t, v]) => `${t} ${v}`).join(', ')}`
      : 'protos/gen/ has no stamp (devenv-stamp.json): it was not made by devenv proto gen',
    remediation: REGENERATE,
  };
}

/** The protoc-gen-es version each TypeScript file records against versions.yaml's library. */
function typescriptCheck(
  protocGenEs: RecordedByFile,
  versions: Versions,
  shown: (file: string) => string,
): CheckReport {
  const esWanted = versions.libraries[PROTOBUF_ES_LIBRARY];
  const esBad = Object.entries(protocGenEs).filter(([, v]) => v !== esWanted);
  if (esBad.length === 0)
    return {
      id: 'generated-code:typescript',
      status: 'ok',
      message: `${Object.keys(protocGenEs).length} TypeScript files from protoc-gen-es ${esWanted ?? '?'}`,
      remediation: null,
    };
  return {
    id: 'generated-code:typescript',
    status: 'fail',
    message: `${esBad.map(([f, v]) => `${shown(f)} (protoc-gen-es ${v})`).join(', ')}: versions.yaml libraries.${PROTOBUF_ES_LIBRARY} is ${esWanted ?? 'missing'}`,
    remediation: `regenerate ${esBad.length === 1 ? 'it' : 'them'}: ${REGENERATE}`,
  };
}

/** Each Python file's gencode against the protobuf runtime and protoc of versions.yaml. */
function pythonCheck(
  pythonGencode: RecordedByFile,
  versions: Versions,
  shown: (file: string) => string,
): CheckReport {
  const runtime = versions.libraries[PROTOBUF_PYTHON_LIBRARY];
  const protoc = versions.tools.protoc.text;
  const pyBad = Object.entries(pythonGencode)
    .map(
      ([file, gencode]) => [file, gencode, pythonGencodeProblem(gencode, runtime, protoc)] as const,
    )
    .filter(([, , problem]) => problem !== undefined);
  if (pyBad.length === 0)
    return {
      id: 'generated-code:python',
      status: 'ok',
      message: `${Object.keys(pythonGencode).length} Python files with gencode ${[...new Set(Object.values(pythonGencode))].join(', ') || '-'} for protobuf ${runtime ?? '?'}`,
      remediation: null,
    };
  return {
    id: 'generated-code:python',
    status: 'fail',
    message: pyBad
      .map(([f, gencode, problem]) => `${shown(f)} (gencode ${gencode}): ${problem}`)
      .join('; '),
    remediation: `regenerate ${pyBad.length === 1 ? 'it' : 'them'}: ${REGENERATE}`,
  };
}

/**
 * Why Python gencode `gencode` does not fit: protobuf's runtime refuses gencode of another major
 * or newer than itself, and protoc X.Y writes gencode <major>.X.Y, so it must also match protoc.
 */
export function pythonGencodeProblem(
  gencode: string,
  runtime: string | undefined,
  protoc: string,
): string | undefined {
  if (gencode === UNRECORDED) return 'no "Protobuf Python Version" header';
  if (runtime === undefined) return `versions.yaml has no libraries.${PROTOBUF_PYTHON_LIBRARY}`;
  const g = gencode.split('.').map(Number);
  const r = runtime.split('.').map(Number);
  const p = protoc.split('.').map(Number);
  if (g[0] !== r[0] || compare(g, r) > 0) {
    return `the protobuf runtime ${runtime} (versions.yaml) rejects it (same major, not newer, required)`;
  }
  if (compare(g.slice(1), p.slice(0, 2)) !== 0) {
    return `versions.yaml's protoc ${protoc} would write gencode ${g[0] ?? '?'}.${p[0] ?? '?'}.${p[1] ?? 0}`;
  }
  return undefined;
}

function describe(generators: Record<string, string>): string {
  return Object.entries(generators)
    .map(([tool, version]) => `${tool} ${version}`)
    .join(', ');
}
