import { devenvVersion } from '../devenv-version.js';
import { RUNS_BUNDLED } from '../project-root.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

export const VERSION_USAGE = `Usage: devenv version [--short] [--format json]

Prints devenv's version and the Node that runs it (\`devenv doctor\` checks every tool's), and
whether it runs from its bundle (.devenv/cache/cli/, built from the sources) or the sources.

      --short              the version alone
      --format json        {"version", "node", "bundled"}`;

/** `devenv version` / `devenv --version`, as `docker compose version` has it. */
export async function versionCommand(
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      short: { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    VERSION_USAGE,
  );
  if (values.help) {
    ctx.out(VERSION_USAGE);
    return 0;
  }
  if (values.format !== undefined && values.format !== 'json')
    throw new UsageError(`--format ${values.format}: expected json`, VERSION_USAGE);
  const version = devenvVersion(ctx.projectRoot) ?? 'unknown';
  if (values.format === 'json')
    ctx.out(JSON.stringify({ version, node: process.version, bundled: RUNS_BUNDLED }));
  else if (values.short) ctx.out(version);
  else
    ctx.out(
      `devenv version ${version} (Node ${process.version}${RUNS_BUNDLED ? ', bundled' : ''})`,
    );
  return 0;
}
