import { statfs } from 'node:fs/promises';
import { ENGINE_ENV } from '../postgres/engine-choice.js';
import { pgliteVersion } from '../postgres/pglite-package.js';
import type { Result } from '../../shared/result.js';
import { CATALOG } from '../toolchain/catalog.js';
import { describeToolFailure, type ResolvedTool, type ToolFailure } from '../toolchain/resolve.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { TOOL_IDS, type ToolId } from '../versions/tool-ids.js';
import { satisfies } from '../versions/version-spec.js';
import type { Versions } from '../versions/versions-file.js';
import { DEFAULT_STACK_PORTS, type StackPort } from './default-ports.js';
import { probeDockerEngine, type DockerEngineStatus } from './docker-engine.js';
import { generatedCodeChecks } from './generated-code.js';
import { postgresEngineCheck } from './postgres-engine.js';
import { describeTakenPort, inspectPort, type PortState } from './port-holders.js';
import { summarize, type CheckReport, type DoctorReport, type ToolReport } from './report.js';

/** The effects doctor needs beyond the toolchain; tests may point them at a temporary setup. */
export interface DoctorProbes {
  readonly nodeVersion: string;
  readonly ports: readonly StackPort[];
  inspectPort(port: number): Promise<PortState>;
  dockerEngine(): Promise<DockerEngineStatus>;
  freeBytes(path: string): Promise<number>;
  /** DEVENV_POSTGRES: which engine the postgres service runs (auto when unset). */
  readonly postgresEngine: string | undefined;
  pgliteVersion(): string;
}

export const systemProbes: DoctorProbes = {
  nodeVersion: process.versions.node,
  ports: DEFAULT_STACK_PORTS,
  inspectPort,
  dockerEngine: () => probeDockerEngine(),
  freeBytes: async (path) => {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  },
  postgresEngine: process.env[ENGINE_ENV],
  pgliteVersion,
};

const GiB = 1024 ** 3;
const DISK_FAIL_BYTES = 1 * GiB;
const DISK_WARN_BYTES = 5 * GiB;

export async function runDoctor(
  projectRoot: string,
  versions: Versions,
  toolchain: Toolchain,
  probes: DoctorProbes = systemProbes,
): Promise<DoctorReport> {
  const [tools, engine, ports, freeBytes, generated, postgres] = await Promise.all([
    Promise.all(TOOL_IDS.map(async (id) => toolReportFor(id, versions, await toolchain.find(id)))),
    probes.dockerEngine(),
    Promise.all(probes.ports.map(async (p) => portCheck(p, await probes.inspectPort(p.port)))),
    probes.freeBytes(projectRoot),
    generatedCodeChecks(projectRoot, versions),
    postgresEngineCheck(
      probes.postgresEngine,
      () => toolchain.find('postgres'),
      probes.pgliteVersion(),
    ),
  ]);
  const checks: CheckReport[] = [
    nodeCheck(probes.nodeVersion, versions),
    engineCheck(engine),
    postgres,
    ...ports,
    diskCheck(freeBytes),
    ...generated,
  ];
  const summary = summarize([...tools, ...checks].map((c) => c.status));
  return { schemaVersion: 1, projectRoot, ok: summary.fail === 0, summary, tools, checks };
}

export function toolReportFor(
  id: ToolId,
  versions: Versions,
  result: Result<ResolvedTool, ToolFailure>,
): ToolReport {
  const def = CATALOG[id];
  const base = { name: id, need: def.need, purpose: def.purpose, wanted: versions.tools[id].text };
  if (result.ok) {
    const { path, version, source } = result.value;
    return {
      ...base,
      found: true,
      version,
      path,
      source,
      candidates: [{ path, version, source }],
      status: 'ok',
      problem: null,
      remediation: null,
    };
  }
  const failure = result.error;
  const candidates =
    failure.reason === 'tool-version-mismatch'
      ? failure.found.map((c) => ({ path: c.path, version: c.version ?? null, source: c.source }))
      : [];
  return {
    ...base,
    found: false,
    version: null,
    path: null,
    source: null,
    candidates,
    status: def.need === 'required' ? 'fail' : 'warn',
    problem: describeToolFailure(failure),
    remediation: failure.remediation,
  };
}

function nodeCheck(nodeVersion: string, versions: Versions): CheckReport {
  const good = satisfies(nodeVersion, versions.node);
  return {
    id: 'node',
    status: good ? 'ok' : 'warn',
    message: good
      ? `Node ${nodeVersion}`
      : `Node ${nodeVersion} runs devenv, versions.yaml wants ${versions.node.text}`,
    remediation: good
      ? null
      : 'run devenv through npm (npm run …, npx devenv …) so the project’s own Node is used',
  };
}

function engineCheck(engine: DockerEngineStatus): CheckReport {
  return engine.reachable
    ? {
        id: 'docker-engine',
        status: 'ok',
        message: `Docker Engine ${engine.version} at ${engine.endpoint}`,
        remediation: null,
      }
    : {
        id: 'docker-engine',
        // The native runtime is the default, so a missing engine only limits the docker runtime.
        status: 'warn',
        message: `Docker Engine not reachable at ${engine.endpoint}: ${engine.why}`,
        remediation:
          'for the docker runtime: install docker.io and start dockerd (as root: dockerd &)',
      };
}

export function portCheck(stackPort: StackPort, state: PortState): CheckReport {
  const id = `port:${stackPort.port}`;
  if (state.free)
    return {
      id,
      status: 'ok',
      message: `port ${stackPort.port} free (${stackPort.service})`,
      remediation: null,
    };
  const pids = state.holders.map((h) => h.pid).join(' ');
  return {
    id,
    status: stackPort.need === 'required' ? 'fail' : 'warn',
    message: `${describeTakenPort(stackPort.port, state.holders)}, needed by ${stackPort.service}`,
    remediation: pids
      ? `stop it (kill ${pids}) or map ${stackPort.service} to another port in compose/compose.yaml`
      : `free the port or map ${stackPort.service} to another port in compose/compose.yaml`,
  };
}

function diskCheck(freeBytes: number): CheckReport {
  const free = `${(freeBytes / GiB).toFixed(1)} GiB free on the project's disk`;
  if (freeBytes >= DISK_WARN_BYTES)
    return { id: 'disk', status: 'ok', message: free, remediation: null };
  return {
    id: 'disk',
    status: freeBytes < DISK_FAIL_BYTES ? 'fail' : 'warn',
    message: `only ${free} (tools, images and logs need a few GiB)`,
    remediation: 'free disk space, or remove old tool versions under .devenv/tools/',
  };
}
