import { describe, expect, it } from 'vitest';
import { phaseColor } from '../engine/phase-style.js';
import { stateCell } from './state-cell.js';

describe('stateCell', () => {
  it('reads paused, in a colour of its own, over whatever phase the paused service kept', () => {
    const paused = stateCell({ phase: 'healthy', paused: true });
    expect(paused).toEqual({ text: 'paused', color: 'cyan' });
    for (const phase of ['healthy', 'starting', 'crashed', 'stopped'] as const)
      expect(phaseColor(phase)).not.toBe(paused.color);
  });

  it('reads the phase in its colour when the service is not paused', () => {
    expect(stateCell({ phase: 'crashed', paused: false })).toEqual({
      text: 'crashed',
      color: 'red',
    });
    expect(stateCell({ phase: 'healthy', paused: false })).toEqual({
      text: 'healthy',
      color: 'green',
    });
  });
});
