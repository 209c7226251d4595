import { getExecTarget, listServices } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import { isRunning, type ServicePhase } from '../engine/service-state.js';
import type { PortMapping } from '../model/stack.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { describeControlFailure, instanceName, parseIndex } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const PORT_USAGE = `Usage: devenv port [options] SERVICE PRIVATE_PORT

Prints the host address a running service's port is published on, as \`docker compose port\`:
"127.0.0.1:8080". In a container the binding the Engine made (including a port it picked);
natively the \`ports:\` entry's host port (the i-th of a range for replica i), which the
process itself listens on, at the entry's address or 127.0.0.1.

      --protocol tcp|udp   the port's protocol (default tcp)
      --index N            replica N of a scaled service (default: the first)
${STACK_FLAGS_USAGE}

Exit status: 0, 1 the service is not running or does not publish the port, or no devenv runs
this stack; 2 usage error.`;

const FLAGS = {
  ...STACK_FLAGS,
  protocol: { type: 'string' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const portCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, FLAGS, PORT_USAGE, true);
  if (values.help) {
    ctx.out(PORT_USAGE);
    return 0;
  }
  const [service, rawPort, ...extra] = positionals;
  if (service === undefined || rawPort === undefined || extra.length > 0)
    throw new UsageError('expected SERVICE and PRIVATE_PORT', PORT_USAGE);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError(`PRIVATE_PORT ${rawPort}: expected a port from 1 to 65535`, PORT_USAGE);
  const protocol = values.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp')
    throw new UsageError(`--protocol ${protocol}: expected tcp or udp`, PORT_USAGE);
  const index = parseIndex(values.index, PORT_USAGE);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  if (!stack.services[service])
    throw new UsageError(
      `no service named "${service}"; services: ${stack.startOrder.join(', ')}`,
      PORT_USAGE,
    );

  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const failed = async (failure: Parameters<typeof describeControlFailure>[1]) => {
    ctx.err(await describeControlFailure('port', failure, stateDir, PORT_USAGE));
    return 1;
  };
  const listed = await listServices(socket);
  if (!listed.ok) return failed(listed.error);
  const running = listed.value.services
    .filter((s) => isRunning(s.phase as ServicePhase))
    .map((s) => s.name);
  const instance = instanceName(running, service, index);
  if (instance === undefined) {
    ctx.err(
      `devenv port: ${service}${index === undefined ? '' : ` (replica ${index})`} is not running; \`devenv start ${service}\` starts it`,
    );
    return 1;
  }
  const target = await getExecTarget(socket, instance);
  if (!target.ok) return failed(target.error);
  const replica = Number(/-(\d+)$/.exec(instance)?.[1] ?? 1);
  const bound =
    target.value.runtime === 'docker' && target.value.containerId
      ? await containerBinding(target.value.containerId, port, protocol)
      : nativeBinding(stack.services[service].ports, port, protocol, replica);
  if (!bound.ok) {
    ctx.err(`devenv port: ${instance}: ${bound.error}`);
    return 1;
  }
  ctx.out(bound.value);
  return 0;
};

/** Pure: where a native instance listens for `port`: its `ports:` entry's host side. */
export function nativeBinding(
  ports: readonly PortMapping[],
  port: number,
  protocol: 'tcp' | 'udp',
  replica: number,
): Result<string, string> {
  const mapping = ports.find((p) => p.container === port && p.protocol === protocol);
  if (!mapping)
    return err(
      `no port ${port}/${protocol} in its ports:${ports.length === 0 ? ' it publishes none' : ` ${ports.map((p) => `${p.container}/${p.protocol}`).join(', ')}`}`,
    );
  if (mapping.host === undefined)
    return err(
      `${port}/${protocol} has no host port: natively the process listens where it chooses (give one in ports:, as "8080:${port}")`,
    );
  const host = mapping.hostEnd === undefined ? mapping.host : mapping.host + replica - 1;
  return ok(`${mapping.hostIp ?? '127.0.0.1'}:${host}`);
}

/** The Engine's binding of the container's `port`: "HostIp:HostPort". */
async function containerBinding(
  id: string,
  port: number,
  protocol: string,
): Promise<Result<string, string>> {
  try {
    const { default: Dockerode } = await import('dockerode');
    const info = await new Dockerode().getContainer(id).inspect();
    const published = info.NetworkSettings.Ports ?? {};
    const binding = published[`${port}/${protocol}`]?.find((b) => b.HostPort);
    if (binding) return ok(`${binding.HostIp || '0.0.0.0'}:${binding.HostPort}`);
    const others = Object.entries(published)
      .filter(([, bindings]) => bindings?.some((b) => b.HostPort))
      .map(([key]) => key);
    return err(`no port ${port}/${protocol} published; published: ${others.join(', ') || 'none'}`);
  } catch (error) {
    return err(`cannot inspect its container: ${messageOf(error)}`);
  }
}
