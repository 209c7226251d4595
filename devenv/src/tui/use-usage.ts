import { useEffect, useState } from 'react';
import type { EngineState } from '../engine/service-state.js';
import { cpuPercent, groupUsage } from '../runtime/group-usage.js';

export interface ServiceUsage {
  readonly cpu: number;
  readonly rssBytes: number;
}

const SAMPLE_MS = 2_000;

/** CPU % and RSS per service (its whole process group), sampled every 2 s. */
export function useUsage(getState: () => EngineState): Readonly<Record<string, ServiceUsage>> {
  const [usage, setUsage] = useState<Readonly<Record<string, ServiceUsage>>>({});
  useEffect(() => {
    let previous = new Map<number, { ticks: number; at: number }>();
    let stopped = false;
    const sample = async () => {
      const services = Object.values(getState().services).filter((s) => s.pid !== undefined);
      const now = Date.now();
      const groups = await groupUsage(services.map((s) => s.pid!));
      if (stopped) return;
      const next = new Map<number, { ticks: number; at: number }>();
      const result: Record<string, ServiceUsage> = {};
      for (const s of services) {
        const group = groups.get(s.pid!);
        if (!group) continue;
        const before = previous.get(s.pid!);
        next.set(s.pid!, { ticks: group.cpuTicks, at: now });
        result[s.name] = {
          cpu: before ? cpuPercent(before.ticks, group.cpuTicks, now - before.at) : 0,
          rssBytes: group.rssBytes,
        };
      }
      previous = next;
      setUsage(result);
    };
    void sample();
    const timer = setInterval(() => void sample(), SAMPLE_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [getState]);
  return usage;
}
