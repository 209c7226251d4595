import { describe, expect, it } from 'vitest';
import { lineReporter } from '../cli/reporter.js';
import { styleFor } from '../cli/style.js';
import { phaseColor, phaseTone } from './phase-style.js';
import { initialEngineState, type ServicePhase } from './service-state.js';

const TABLE: readonly [ServicePhase, string, string][] = [
  ['healthy', 'ok', 'green'],
  ['completed', 'ok', 'green'],
  ['pending', 'busy', 'yellow'],
  ['starting', 'busy', 'yellow'],
  ['stopping', 'busy', 'yellow'],
  ['crashed', 'fail', 'red'],
  ['unhealthy', 'fail', 'red'],
  ['unavailable', 'fail', 'red'],
  ['blocked', 'fail', 'red'],
  ['stopped', 'idle', 'gray'],
];

describe('phase style', () => {
  it.each(TABLE)('%s reads as %s, %s in the TUI', (phase, tone, color) => {
    expect(phaseTone(phase)).toBe(tone);
    expect(phaseColor(phase)).toBe(color);
  });

  it.each(TABLE)("%s: up's line reporter paints it by the same tone", (phase, tone) => {
    const lines: string[] = [];
    const reporter = lineReporter((l) => lines.push(l), styleFor({ isTTY: true }, {}), false, 4);
    const next = initialEngineState(['api']);
    reporter.state(undefined, { ...next, services: { api: { ...next.services['api']!, phase } } });
    const sgr = { ok: '\x1b[32m', fail: '\x1b[31m', busy: '\x1b[2m', idle: '\x1b[2m' }[tone]!;
    expect(lines.at(-1)).toContain(`${sgr}${phase}\x1b[0m`);
  });
});
