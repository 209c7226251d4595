// The peers' binaries: Tilt from the project's toolchain (built from the Go module proxy),
// honcho from PyPI into a venv of the bench's own, process-compose only when one is given.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { describeToolFailure } from '../../devenv/src/toolchain/resolve.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { ROOT } from '../devenv-run.js';

export type Found =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly why: string };

export async function findTilt(): Promise<Found> {
  const versions = await loadProjectVersions();
  const toolchain = createToolchain({ projectRoot: ROOT, versions, allowSystem: false });
  const tilt = await toolchain.ensure('tilt');
  return tilt.ok
    ? { ok: true, path: tilt.value.path }
    : { ok: false, why: describeToolFailure(tilt.error) };
}

/** The version the figures were measured with. */
const HONCHO_VERSION = '2.0.0';

export function findHoncho(): Found {
  const venv = join(ROOT, '.devenv', 'bench-tools', `honcho-${HONCHO_VERSION}`);
  const binary = join(venv, 'bin', 'honcho');
  try {
    if (!existsSync(binary)) {
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
      execFileSync(join(venv, 'bin', 'pip'), ['install', '-q', `honcho==${HONCHO_VERSION}`], {
        stdio: 'ignore',
      });
    }
    return { ok: true, path: binary };
  } catch (error) {
    return { ok: false, why: `pip install honcho==${HONCHO_VERSION} failed: ${String(error)}` };
  }
}

export function findProcessCompose(): Found {
  const binary = process.env['PROCESS_COMPOSE_BIN'];
  if (binary === undefined)
    return { ok: false, why: 'set PROCESS_COMPOSE_BIN (its modules are not on the Go proxy)' };
  return existsSync(binary) ? { ok: true, path: binary } : { ok: false, why: `no ${binary}` };
}
