import type { EngineState, ServiceState } from '../engine/service-state.js';

/**
 * Whether `next` says anything `devenv ps` would show differently from `written`. A passing probe
 * only moves its own timestamp: rewriting state.json for that cost ~1.3 ms of CPU per probe.
 */
export function changedForPs(written: EngineState | undefined, next: EngineState): boolean {
  if (written === undefined) return true;
  if (written.order !== next.order && written.order.join('\0') !== next.order.join('\0'))
    return true;
  const names = Object.keys(next.services);
  if (names.length !== Object.keys(written.services).length) return true;
  return names.some((name) => {
    const before = written.services[name];
    const after = next.services[name]!;
    return before === undefined || (before !== after && serviceChanged(before, after));
  });
}

function serviceChanged(before: ServiceState, after: ServiceState): boolean {
  for (const key of Object.keys(after) as (keyof ServiceState)[]) {
    if (key === 'lastProbe') continue;
    if (before[key] !== after[key]) return true;
  }
  const [a, b] = [before.lastProbe, after.lastProbe];
  if (a === b) return false;
  return (
    a === undefined ||
    b === undefined ||
    a.ok !== b.ok ||
    a.detail !== b.detail ||
    a.consecutiveFailures !== b.consecutiveFailures
  );
}
