import { relative } from 'node:path';
import { runCommand } from '../process/run-command.js';
import { ok, type Result } from '../../shared/result.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';
import type { ProtoFailure } from './proto-failure.js';
import { protoLayout, PROTOS_INPUT } from './proto-layout.js';
import { bufResult, resolveProtoTools, runBuf } from './proto-tools.js';

export interface CheckOptions {
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly toolchain: Toolchain;
  readonly env?: NodeJS.ProcessEnv;
}

/** `devenv proto lint`: buf lint with the rules of protos/buf.yaml (STANDARD). */
export async function lintProtos(options: CheckOptions): Promise<Result<void, ProtoFailure>> {
  const tools = await resolveProtoTools(
    options.projectRoot,
    options.versions,
    options.toolchain,
    false,
  );
  if (!tools.ok) return tools;
  const run = await runBuf(
    tools.value.buf,
    ['lint', PROTOS_INPUT],
    options.projectRoot,
    options.env,
  );
  const result = bufResult(run, 'lint');
  return result.ok ? ok(undefined) : result;
}

export type BreakingOutcome =
  | { readonly kind: 'compatible'; readonly against: string }
  /** Nothing to compare with: no git repository, no commit yet, or protos/ not in the last one. */
  | { readonly kind: 'no-baseline'; readonly why: string };

/**
 * `devenv proto breaking`: buf breaking (FILE rules) against protos/ as of the last commit, so
 * what is checked is exactly the uncommitted change. Reads git, never changes it.
 */
export async function breakingProtos(
  options: CheckOptions,
): Promise<Result<BreakingOutcome, ProtoFailure>> {
  const layout = protoLayout(options.projectRoot);
  const git = (args: string[]) =>
    runCommand('git', args, {
      cwd: options.projectRoot,
      ...(options.env ? { env: options.env } : {}),
    });
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top.code !== 0)
    return ok({ kind: 'no-baseline', why: 'the project is not a git repository' });
  const repoRoot = top.tail.trim();
  if ((await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).code !== 0) {
    return ok({ kind: 'no-baseline', why: 'the repository has no commit yet' });
  }
  const subdir = relative(repoRoot, layout.protosDir).split('\\').join('/');
  if ((await git(['cat-file', '-e', `HEAD:${subdir}/buf.yaml`])).code !== 0) {
    return ok({
      kind: 'no-baseline',
      why: `the last commit has no ${subdir}/buf.yaml (first contracts)`,
    });
  }
  const tools = await resolveProtoTools(
    options.projectRoot,
    options.versions,
    options.toolchain,
    false,
  );
  if (!tools.ok) return tools;
  const gitDir = relative(options.projectRoot, `${repoRoot}/.git`) || '.git';
  const against = `${gitDir}#ref=HEAD,subdir=${subdir}`;
  const run = await runBuf(
    tools.value.buf,
    ['breaking', PROTOS_INPUT, '--against', against],
    options.projectRoot,
    options.env,
  );
  const result = bufResult(run, 'breaking');
  return result.ok ? ok({ kind: 'compatible', against: `HEAD:${subdir}` }) : result;
}
