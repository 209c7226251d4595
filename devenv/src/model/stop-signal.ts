/**
 * `stop_signal:` as the Engine takes it when it creates the container (moby's signal.ParseSignal
 * over its Linux signal map: a container is a Linux process, whatever the host): a name with or
 * without `SIG`, in any case, or a number. compose-go loads any string, so without this check a
 * typo (`SIGTREM`) surfaces only when the container is created, or, run natively, when the
 * service is stopped and SIGTERM is sent instead.
 */
const ENGINE_SIGNALS: ReadonlySet<string> = new Set(
  [
    ...['ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT'],
    ...['KILL', 'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM'],
    ...['TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ'],
    // The real-time signals as the map spells them: RTMIN, RTMIN+1 … RTMIN+15, RTMAX-14 … RTMAX.
    'RTMIN',
    ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
    ...Array.from({ length: 14 }, (_, i) => `RTMAX-${14 - i}`),
    'RTMAX',
  ].map((name) => `SIG${name}`),
);

/** Linux's signal numbers; the Engine takes any other non-zero number, and its kill then fails. */
const HIGHEST_SIGNAL = 64;

export const STOP_SIGNAL_HINT = 'write a signal like SIGTERM, TERM or 15';
const REALTIME_HINT = 'the real-time signals are RTMIN, RTMIN+1 … RTMIN+15 and RTMAX-14 … RTMAX';

export interface BadStopSignal {
  readonly message: string;
  readonly hint: string;
}

/** Pure: why the Engine would refuse this `stop_signal:`, or undefined when it takes it. */
export function checkStopSignal(value: string): BadStopSignal | undefined {
  // Empty is the Engine's "none set": the image's STOPSIGNAL, else SIGTERM.
  if (value === '') return undefined;
  if (/^[+-]?\d+$/.test(value)) {
    const number = Number(value);
    if (number >= 1 && number <= HIGHEST_SIGNAL) return undefined;
    return {
      message: `${value} is not a signal number: Linux's are 1 to ${HIGHEST_SIGNAL}`,
      hint: STOP_SIGNAL_HINT,
    };
  }
  const upper = value.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (ENGINE_SIGNALS.has(name)) return undefined;
  return { message: `"${value}" is not a signal`, hint: hintFor(name) };
}

function hintFor(name: string): string {
  // Every RTMIN+n is one edit from the next: their range says more than a list of them.
  if (name.startsWith('SIGRTM')) return REALTIME_HINT;
  const close = closestSignals(name).slice(0, 3);
  return close.length > 0 ? `did you mean ${close.join(' or ')}?` : STOP_SIGNAL_HINT;
}

/**
 * The signals a typo most likely meant: those fewest edits away (a swap of two neighbours is
 * one edit: TREM → TERM), when that is at most a third of the name (1 to 3 edits).
 */
function closestSignals(name: string): string[] {
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const distances = [...ENGINE_SIGNALS].map((signal) => ({
    signal,
    distance: swapEditDistance(name, signal),
  }));
  const best = Math.min(...distances.map(({ distance }) => distance));
  if (best > allowed) return [];
  return distances.filter(({ distance }) => distance === best).map(({ signal }) => signal);
}

/** Edits (insert, delete, replace, swap two neighbours) from a to b: the optimal string alignment. */
function swapEditDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
