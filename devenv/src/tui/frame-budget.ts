/**
 * Keeps the TUI's share of the CPU small when the screen changes faster than anyone can read:
 * each frame's cost (React's render + Ink's layout and write) is remembered, and the next frame
 * waits long enough that drawing takes at most `share` of the time. A quiet stack draws at the
 * base rate (20 fps); a log flood slows the drawing, never the stack's log intake.
 */
export interface FrameBudget {
  /** One frame's React render-and-commit time, in ms. */
  recordRender(ms: number): void;
  /** One frame's Ink layout-and-output time, in ms. */
  recordOutput(ms: number): void;
  /** How long to wait before the next frame. */
  nextDelay(): number;
}

export function createFrameBudget(
  options: {
    readonly baseMs?: number;
    readonly maxMs?: number;
    readonly share?: number;
  } = {},
): FrameBudget {
  const baseMs = options.baseMs ?? 50;
  const maxMs = options.maxMs ?? 1000;
  const share = options.share ?? 0.1;
  // Smoothed so one slow frame (a resize, a GC pause) does not freeze the screen for a second.
  let render = 0;
  let output = 0;
  const smooth = (previous: number, sample: number) =>
    previous === 0 ? sample : previous * 0.7 + sample * 0.3;
  return {
    recordRender: (ms) => void (render = smooth(render, Math.max(0, ms))),
    recordOutput: (ms) => void (output = smooth(output, Math.max(0, ms))),
    nextDelay: () => {
      const cost = render + output;
      return Math.min(maxMs, Math.max(baseMs, (cost * (1 - share)) / share));
    },
  };
}
