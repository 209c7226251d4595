import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { CLUSTER_NETWORK } from './layout.js';

/**
 * The CNI `firewall` plugin's chain for an administrator's rules: its CNI-FORWARD jumps there
 * before the per-pod rules that ACCEPT everything a pod sends.
 */
export const FIREWALL_ADMIN_CHAIN = 'CNI-ADMIN';

/**
 * Refuses what a pod sends to a Service address that kube-proxy did not translate to an
 * endpoint (the Service has no ready endpoint, or not that port). kube-proxy's own REJECT for
 * such a Service sits in FORWARD after the firewall plugin's per-pod ACCEPT, so it is never
 * reached: the SYN was routed off the machine by the default route and the connect hung ~2 min
 * in SYN_SENT. Translation happens in PREROUTING, so a packet still addressed to the Service
 * range in FORWARD has no endpoint. ICMP port unreachable: the client sees "connection refused".
 */
export function serviceRejectRule(): string[] {
  return [
    '-d',
    CLUSTER_NETWORK.serviceCidr,
    '-m',
    'comment',
    '--comment',
    'devenv: a Service address with no endpoint is refused',
    '-j',
    'REJECT',
    '--reject-with',
    'icmp-port-unreachable',
  ];
}

/**
 * Adds the rule to the firewall plugin's admin chain (created here when missing; the plugin
 * keeps an existing one). Before any pod starts; the teardown removes the chain with the other
 * CNI- chains.
 */
export async function rejectServiceAddressesWithoutEndpoint(
  env: NodeJS.ProcessEnv,
): Promise<Result<void, string>> {
  const iptables = (args: string[]) =>
    runCommand('iptables', ['-w', '5', '-t', 'filter', ...args], { env, timeoutMs: 30_000 });
  const listed = await iptables(['-S', FIREWALL_ADMIN_CHAIN]);
  if (listed.code !== 0) {
    const created = await iptables(['-N', FIREWALL_ADMIN_CHAIN]);
    if (created.code !== 0)
      return err(`iptables -N ${FIREWALL_ADMIN_CHAIN} failed: ${describeOutcome(created)}`);
  }
  const rule = serviceRejectRule();
  if ((await iptables(['-C', FIREWALL_ADMIN_CHAIN, ...rule])).code === 0) return ok(undefined);
  const added = await iptables(['-A', FIREWALL_ADMIN_CHAIN, ...rule]);
  return added.code === 0
    ? ok(undefined)
    : err(
        `iptables -A ${FIREWALL_ADMIN_CHAIN} (the Service range's REJECT) failed: ${describeOutcome(added)}`,
      );
}
