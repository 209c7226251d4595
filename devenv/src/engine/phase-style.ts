import type { ServicePhase } from './service-state.js';

/** How a phase reads at a glance, in every renderer (the TUI's table, `up`'s lines). */
export type PhaseTone = 'ok' | 'busy' | 'fail' | 'idle';

const PHASE_TONES: Readonly<Record<ServicePhase, PhaseTone>> = {
  healthy: 'ok',
  completed: 'ok',
  pending: 'busy',
  starting: 'busy',
  stopping: 'busy',
  crashed: 'fail',
  unhealthy: 'fail',
  unavailable: 'fail',
  blocked: 'fail',
  stopped: 'idle',
};

export function phaseTone(phase: ServicePhase): PhaseTone {
  return PHASE_TONES[phase];
}

/** The TUI's colour (an ink colour name) for a phase. */
export function phaseColor(phase: ServicePhase): 'green' | 'yellow' | 'red' | 'gray' {
  return TONE_COLORS[phaseTone(phase)];
}

const TONE_COLORS = { ok: 'green', busy: 'yellow', fail: 'red', idle: 'gray' } as const;
