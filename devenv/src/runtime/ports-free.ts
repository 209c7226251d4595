import { inspectPort } from '../doctor/port-holders.js';
import type { ServiceSpec } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Unavailable } from './runtime.js';

/** A published port someone else holds would make the service fail later, less clearly: say who holds it now. */
export async function portsFree(spec: ServiceSpec): Promise<Result<void, Unavailable>> {
  for (const mapping of spec.ports) {
    if (mapping.host === undefined || mapping.protocol !== 'tcp') continue;
    const state = await inspectPort(mapping.host);
    if (!state.free)
      return err({ reason: 'port-taken', port: mapping.host, holders: state.holders });
  }
  return ok(undefined);
}
