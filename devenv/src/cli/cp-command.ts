import { getExecTarget, listServices } from '../control/control-client.js';
import type { ExecTarget } from '../control/protocol.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { Result } from '../../shared/result.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { parseCpOperands, type CpOperands } from './cp-operands.js';
import type { CopyFlags } from './cp-transfer.js';
import { describeControlFailure, instanceName, parseIndex } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const CP_USAGE = `Usage: devenv cp [options] SERVICE:SRC DEST|-
       devenv cp [options] SRC|- SERVICE:DEST

Copies files or directories between a running service and this host, as \`docker compose cp\`:
a container service's through the Docker Engine (its archive API); a native service's on this
host, where a relative SERVICE path is taken from the service's working directory. A directory
goes inside an existing DEST directory, or becomes DEST; SRC ending in /. copies its contents.
- as DEST writes a tar stream to stdout; - as SRC unpacks one from stdin into DEST (a directory).
A local path with a colon is written ./a:b.

  devenv cp postgres:/var/lib/postgresql/data/postgresql.conf .
  devenv cp ./seed.sql postgres:/tmp/

  -a, --archive            keep uid/gid (extracting on this host needs root for that)
  -L, --follow-link        follow SRC when it is a symbolic link
      --index N            replica N of a service with several (default: the first)
${STACK_FLAGS_USAGE}

Exit status: 0 copied; 1 the copy failed, the service is not running or no devenv runs this
stack; 2 usage error.`;

const OPTIONS = {
  ...STACK_FLAGS,
  archive: { type: 'boolean', short: 'a' },
  'follow-link': { type: 'boolean', short: 'L' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const cpCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, CP_USAGE, true);
  if (values.help) {
    ctx.out(CP_USAGE);
    return 0;
  }
  if (positionals.length !== 2)
    throw new UsageError(`expected SRC and DEST, got ${positionals.length} arguments`, CP_USAGE);
  const operands = parseCpOperands(positionals[0]!, positionals[1]!);
  if (!operands.ok) throw new UsageError(operands.error, CP_USAGE);
  const index = parseIndex(values.index, CP_USAGE);
  const flags = { archive: values.archive === true, followLink: values['follow-link'] === true };

  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const fail = async (failure: Parameters<typeof describeControlFailure>[1]) => {
    ctx.err(await describeControlFailure('cp', failure, stateDir, CP_USAGE));
    return 1;
  };
  const listed = await listServices(socket);
  if (!listed.ok) return fail(listed.error);
  const running = listed.value.services.map((s) => s.name);
  const { service } = operands.value;
  const name = instanceName(running, service, index);
  if (name === undefined)
    throw new UsageError(
      `no service ${service}${index === undefined ? '' : ` with replica ${index}`} in the running stack; services: ${running.join(', ')}`,
      CP_USAGE,
    );
  const target = await getExecTarget(socket, name);
  if (!target.ok) return fail(target.error);
  const problem = notCopyable(target.value);
  if (problem !== undefined) {
    ctx.err(`devenv cp: ${problem}`);
    return 1;
  }
  const copied = await copy(operands.value, target.value, flags);
  if (!copied.ok) {
    ctx.err(`devenv cp: ${copied.error}`);
    return 1;
  }
  return 0;
};

/** Why the service's files cannot be reached now, and what to do; undefined when they can. */
function notCopyable(target: ExecTarget): string | undefined {
  if (target.runtime === null)
    return `${target.name} is not running (${target.phase}); start it with \`devenv start ${target.name}\``;
  if (target.runtime === 'docker' && target.containerId === null)
    return `${target.name} has no container yet (${target.phase}); try again once it runs`;
  if (target.runtime === 'native' && target.cwd === null)
    return `${target.name} has no working directory known (${target.phase})`;
  return undefined;
}

/** A native service's path: relative ones from its working directory (trailing / and /. kept). */
const nativePath = (cwd: string, path: string) => (path.startsWith('/') ? path : `${cwd}/${path}`);

async function copy(
  operands: CpOperands,
  target: ExecTarget,
  flags: CopyFlags,
): Promise<Result<void, string>> {
  const transfer = await import('./cp-transfer.js');
  const { hostPath, servicePath } = operands;
  if (target.runtime === 'docker') {
    const { default: Dockerode } = await import('dockerode');
    const container = new Dockerode().getContainer(target.containerId!);
    if (operands.direction === 'from-service')
      return transfer.copyFromContainer(
        container,
        servicePath,
        hostPath === '-' ? process.stdout : hostPath,
        flags,
      );
    return transfer.copyToContainer(
      container,
      hostPath === '-' ? process.stdin : hostPath,
      servicePath,
      flags,
    );
  }
  const inService = nativePath(target.cwd!, servicePath);
  if (operands.direction === 'from-service')
    return hostPath === '-'
      ? transfer.archiveToStream(inService, process.stdout, flags)
      : transfer.copyOnHost(inService, hostPath, flags);
  return hostPath === '-'
    ? transfer.unpackStream(process.stdin, inService, flags)
    : transfer.copyOnHost(hostPath, inService, flags);
}
