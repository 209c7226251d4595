import { Box, Text } from 'ink';
import type { EngineState } from '../engine/service-state.js';
import type { Stack } from '../model/stack.js';
import { formatMb, formatUptime } from './format.js';
import { stateCell } from './state-cell.js';
import type { ServiceUsage } from './use-usage.js';

export interface ServiceTableProps {
  readonly state: EngineState;
  readonly stack: Stack;
  readonly selected: number;
  readonly usage: Readonly<Record<string, ServiceUsage>>;
  readonly now: number;
  readonly width: number;
}

/** One row per service, grouped as x-devenv.group says, in dependency order within a group. */
export function ServiceTable({ state, stack, selected, usage, now, width }: ServiceTableProps) {
  const rows = orderedServices(state, stack);
  const nameWidth = Math.max(7, ...rows.map((r) => r.length));
  const detailWidth = Math.max(10, width - nameWidth - 64);
  let lastGroup = '';
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {'SERVICE'.padEnd(nameWidth)} {'STATE'.padEnd(11)} {'RST'.padStart(3)}{' '}
        {'UPTIME'.padStart(7)} {'CPU'.padStart(5)} {'RSS'.padStart(6)} {'PORTS'.padEnd(12)} DETAIL
      </Text>
      {rows.map((name, index) => {
        const s = state.services[name]!;
        const spec = stack.services[name];
        const group = spec?.devenv.group ?? '';
        const header = group !== lastGroup ? group : undefined;
        lastGroup = group;
        const u = usage[name];
        const running = s.pid !== undefined || s.containerId !== undefined;
        const ports = (spec?.ports ?? [])
          .map((p) => p.host)
          .filter((p) => p !== undefined)
          .join(',');
        const detail = s.reason ?? s.lastProbe?.detail ?? '';
        const cell = stateCell(s);
        return (
          <Box key={name} flexDirection="column">
            {header !== undefined && <Text dimColor>{header}</Text>}
            <Text inverse={index === selected}>
              {index === selected ? '› ' : '  '}
              {name.padEnd(nameWidth)} <Text color={cell.color}>{cell.text.padEnd(11)}</Text>{' '}
              {String(s.restarts).padStart(3)}{' '}
              {(running && s.startedAt ? formatUptime(now - s.startedAt) : '-').padStart(7)}{' '}
              {(running && u ? `${u.cpu.toFixed(0)}%` : '-').padStart(5)}{' '}
              {(running ? formatMb(u?.rssBytes) : '-').padStart(6)} {ports.slice(0, 12).padEnd(12)}{' '}
              <Text dimColor>{truncate(detail, detailWidth)}</Text>
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

/** Groups in first-appearance order, services by start order within each: the row order. */
export function orderedServices(state: EngineState, stack: Stack): string[] {
  const groups: string[] = [];
  for (const name of state.order) {
    const group = stack.services[name]?.devenv.group ?? '';
    if (!groups.includes(group)) groups.push(group);
  }
  return groups.flatMap((g) =>
    state.order.filter((n) => (stack.services[n]?.devenv.group ?? '') === g),
  );
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1))}…`;
}
