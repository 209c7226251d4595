/** One probe attempt: passed or not, and a short explanation for people. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly detail: string;
}

export const passed = (detail: string): ProbeOutcome => ({ ok: true, detail });
export const failed = (detail: string): ProbeOutcome => ({ ok: false, detail });
