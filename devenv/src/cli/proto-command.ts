import { breakingProtos, lintProtos, type CheckOptions } from '../proto/checks.js';
import { cleanProtos } from '../proto/clean.js';
import { generateProtos } from '../proto/generate.js';
import { describeProtoFailure, type ProtoFailure } from '../proto/proto-failure.js';
import { ok, type Result } from '../../shared/result.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { UsageError } from './usage-error.js';

export const PROTO_USAGE = `Usage: devenv proto <gen|lint|breaking|clean> [options]

Works on the contracts in protos/ (docs/contracts.md):

  gen        generate TypeScript (protos/gen/ts) and Python (protos/gen/python) code; only what
             changed since the last run (\`npm run proto\`; runs before dev and test)
    --force  regenerate everything
  lint       buf lint (STANDARD rules, protos/buf.yaml)
  breaking   buf breaking (FILE rules) against protos/ in the last commit
  clean      remove protos/gen/ (the next gen starts afresh)

Exit status: 0 ok, 1 the contracts have problems (buf's positioned messages) or a tool is
missing, 2 usage error.`;

const SUBCOMMANDS = ['gen', 'lint', 'breaking', 'clean'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export async function protoCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const request = parseProtoArgs(args, ctx);
  if (request === undefined) return 0;
  const { sub, force } = request;
  if (sub === 'clean') {
    const removed = await cleanProtos(ctx.projectRoot);
    ctx.out(`devenv proto clean: removed ${removed.join(', ')}`);
    return 0;
  }
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  const options: CheckOptions = {
    projectRoot: ctx.projectRoot,
    versions: versions,
    toolchain: createToolchain({
      projectRoot: ctx.projectRoot,
      versions: versions,
      log: (line) => ctx.err(`devenv proto: ${line}`),
    }),
    env: ctx.env,
  };
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)} ms`;
  const done = await runBufSubcommand(sub, options, force, took);
  if (done.ok) {
    ctx.out(done.value);
    return 0;
  }
  ctx.err(describeProtoFailure(done.error));
  if (done.error.reason === 'buf-rejected' && sub === 'gen') {
    ctx.err('devenv proto gen: nothing was written; protos/gen/ still holds the previous code');
  }
  return 1;
}

/** The checked subcommand, or undefined once `--help` has been answered. */
function parseProtoArgs(
  args: readonly string[],
  ctx: CommandContext,
): { sub: Subcommand; force: boolean } | undefined {
  const { values, positionals } = parseCommandArgs(
    args,
    { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    PROTO_USAGE,
    true,
  );
  if (values.help) {
    ctx.out(PROTO_USAGE);
    return undefined;
  }
  const [sub, ...extra] = positionals;
  if (sub === undefined)
    throw new UsageError('which one: gen, lint, breaking or clean?', PROTO_USAGE);
  if (!isSubcommand(sub)) throw new UsageError(`unknown proto command "${sub}"`, PROTO_USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, PROTO_USAGE);
  if (values.force && sub !== 'gen') throw new UsageError('--force goes with gen', PROTO_USAGE);
  return { sub, force: values.force === true };
}

/** Runs gen, lint or breaking; the line that reports success. */
async function runBufSubcommand(
  sub: Exclude<Subcommand, 'clean'>,
  options: CheckOptions,
  force: boolean,
  took: () => string,
): Promise<Result<string, ProtoFailure>> {
  switch (sub) {
    case 'gen': {
      const result = await generateProtos({ ...options, force });
      if (!result.ok) return result;
      const outcome = result.value;
      return ok(
        outcome.kind === 'up-to-date'
          ? `devenv proto gen: up to date (${took()})`
          : `devenv proto gen: ${outcome.mode}, ${outcome.protos.length} .proto → ${outcome.written.length} files written, ${outcome.removed.length} removed (${took()})`,
      );
    }
    case 'lint': {
      const result = await lintProtos(options);
      if (!result.ok) return result;
      return ok(`devenv proto lint: no problems (${took()})`);
    }
    case 'breaking': {
      const result = await breakingProtos(options);
      if (!result.ok) return result;
      return ok(
        result.value.kind === 'compatible'
          ? `devenv proto breaking: compatible with ${result.value.against} (${took()})`
          : `devenv proto breaking: nothing to compare with: ${result.value.why}`,
      );
    }
  }
}

function isSubcommand(value: string): value is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(value);
}
