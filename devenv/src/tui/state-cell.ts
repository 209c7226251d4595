import { phaseColor } from '../engine/phase-style.js';
import type { ServiceState } from '../engine/service-state.js';

/** The STATE column of a service row: what it reads and its colour (an ink colour name). */
export interface StateCell {
  readonly text: string;
  readonly color: ReturnType<typeof phaseColor> | 'cyan';
}

/**
 * `paused` (devenv pause) over the phase, as `devenv ps` shows it: a paused service keeps the
 * phase it had, and would read `healthy` while it answers nothing. Cyan, because it is none of
 * ok, busy, failing or stopped: it was frozen on purpose and `devenv unpause` resumes it.
 */
export function stateCell(service: Pick<ServiceState, 'phase' | 'paused'>): StateCell {
  if (service.paused) return { text: 'paused', color: 'cyan' };
  return { text: service.phase, color: phaseColor(service.phase) };
}
