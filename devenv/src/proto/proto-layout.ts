import { join } from 'node:path';

/** Where the contracts, their configuration and the generated code live in a project. */
export interface ProtoLayout {
  readonly projectRoot: string;
  /** `protos/`: the buf module (buf.yaml) and the .proto files. */
  readonly protosDir: string;
  /** `protos/gen/` (gitignored): `ts/` and `python/`, plus the stamp. */
  readonly genDir: string;
  /** What the last successful generation was made from; see stamp.ts. */
  readonly stampFile: string;
  /** Scratch space for generator runs, beside the output so that renames stay on one filesystem. */
  readonly scratchDir: string;
}

/** buf is run from the project root with this input, so its positions read `protos/…:LINE:COL`. */
export const PROTOS_INPUT = 'protos';

export function protoLayout(projectRoot: string): ProtoLayout {
  const protosDir = join(projectRoot, PROTOS_INPUT);
  const genDir = join(protosDir, 'gen');
  return {
    projectRoot,
    protosDir,
    genDir,
    stampFile: join(genDir, 'devenv-stamp.json'),
    scratchDir: join(projectRoot, '.devenv', 'proto'),
  };
}
