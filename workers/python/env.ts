import { join } from 'node:path';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import type { Result } from '../../devenv/shared/result.js';
import {
  currentLockfileEnv,
  ensurePythonEnv,
  type PythonEnv,
  type PythonEnvFailure,
} from '../../devenv/src/toolchain/python-env.js';

export const REQUIREMENTS_LOCK = 'workers/python/requirements.lock';
export const PYTHON_WORKER_DIR = join(PROJECT_ROOT, 'workers', 'python');

/**
 * `.devenv/python/worker-python`: the venv the Python worker runs in, built once from
 * requirements.lock (hash-checked wheels from PyPI) and rebuilt when the lockfile changes.
 */
export async function ensureWorkerPython(
  log?: (line: string) => void,
): Promise<Result<PythonEnv, PythonEnvFailure | { reason: 'versions-invalid'; detail: string }>> {
  const venv = {
    projectRoot: PROJECT_ROOT,
    name: 'worker-python',
    requirementsFile: REQUIREMENTS_LOCK,
  };
  const current = await currentLockfileEnv(venv);
  if (current) return { ok: true, value: current };
  // Building it needs versions.yaml and the toolchain: loaded only then (~0.15 s of every start).
  const [{ loadVersions }, { createToolchain }] = await Promise.all([
    import('../../devenv/src/versions/versions-file.js'),
    import('../../devenv/src/toolchain/toolchain.js'),
  ]);
  const versions = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
  if (!versions.ok)
    return { ok: false, error: { reason: 'versions-invalid', detail: 'versions.yaml is invalid' } };
  return ensurePythonEnv({
    ...venv,
    versions: versions.value,
    toolchain: createToolchain({ projectRoot: PROJECT_ROOT, versions: versions.value }),
    libraries: [],
    ...(log ? { log } : {}),
  });
}

/** How to run the worker from the venv without installing the package (source is live). */
export function pythonWorkerCommand(env: PythonEnv): {
  command: string;
  args: string[];
  env: Record<string, string>;
} {
  return {
    command: env.python,
    args: ['-m', 'timecop_worker'],
    env: { PYTHONPATH: PYTHON_WORKER_DIR, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  };
}
