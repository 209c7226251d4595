import { plainRecord, type LogRecord } from '../logbus/log-record.js';
import { phaseTone } from '../engine/phase-style.js';
import type { EngineState, ServiceState } from '../engine/service-state.js';
import type { Style } from './style.js';

/** Renders what happens during `up` for pipes and CI; the TUI is the other renderer. */
export interface Reporter {
  state(previous: EngineState | undefined, next: EngineState): void;
  logs(records: readonly LogRecord[]): void;
  line(text: string): void;
}

function changed(previous: EngineState | undefined, next: EngineState): ServiceState[] {
  return next.order
    .map((n) => next.services[n]!)
    .filter((s) => {
      const before = previous?.services[s.name];
      return !before || before.phase !== s.phase || before.reason !== s.reason;
    });
}

/** `12:00:01 temporal   healthy  namespace time-cop ready at 127.0.0.1:7233`, and `temporal | <output>`. */
export function lineReporter(
  write: (text: string) => void,
  style: Style,
  withLogs: boolean,
  nameWidth: number,
): Reporter {
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const paint = (s: ServiceState) => {
    const tone = phaseTone(s.phase);
    return tone === 'ok'
      ? style.ok(s.phase)
      : tone === 'fail'
        ? style.fail(s.phase)
        : style.dim(s.phase);
  };
  const detail = (s: ServiceState) => {
    if (s.phase === 'starting') return s.pid ? `pid ${s.pid}` : '';
    if (s.phase === 'healthy' || s.phase === 'unhealthy') return s.lastProbe?.detail ?? '';
    return s.reason ?? '';
  };
  return {
    state: (previous, next) => {
      for (const s of changed(previous, next))
        write(
          `${style.dim(clock(Date.now()))} ${s.name.padEnd(nameWidth)} ${paint(s)} ${detail(s)}`.trimEnd(),
        );
    },
    logs: (records) => {
      for (const r of records)
        // Services' own output when asked for; lines about services show as state changes; devenv's
        // own lines (tool installs, reloads) always.
        if (r.service === 'devenv' || (withLogs && r.stream !== 'devenv'))
          write(`${style.dim(`${r.service.padEnd(nameWidth)} |`)} ${r.text}`);
    },
    line: write,
  };
}

/** One JSON object per line: `{"type":"service",…}`, `{"type":"log",…}`, `{"type":"summary",…}`. */
export function jsonReporter(write: (text: string) => void, withLogs: boolean): Reporter {
  return {
    state: (previous, next) => {
      for (const s of changed(previous, next))
        write(JSON.stringify({ type: 'service', at: Date.now(), ...s }));
    },
    logs: (records) => {
      if (!withLogs) return;
      for (const r of records) write(JSON.stringify({ type: 'log', ...plainRecord(r) }));
    },
    line: (text) => write(JSON.stringify({ type: 'message', at: Date.now(), text })),
  };
}
