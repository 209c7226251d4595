/**
 * A container's health as the Docker Engine judges it: its `healthcheck:` (or its image's
 * `HEALTHCHECK`), run by the Engine at the check's own interval. Compose waits on this for
 * `depends_on: {condition: service_healthy}`; devenv does too where the service has no
 * `x-devenv.probe` of its own.
 */
export type EngineHealth =
  /** The container has no healthcheck (none written, none in the image, or `disable: true`). */
  | { readonly status: 'none' }
  | {
      readonly status: 'starting' | 'healthy' | 'unhealthy';
      /** The last check's outcome, for the TUI and `devenv ps`: `exit 1: no response`. */
      readonly detail: string;
    };

/** The part of the Engine's container inspect answer read here. */
export interface InspectedHealth {
  readonly State?: {
    readonly Health?:
      | {
          readonly Status?: string;
          readonly FailingStreak?: number;
          readonly Log?: readonly { readonly ExitCode?: number; readonly Output?: string }[] | null;
        }
      | null
      | undefined;
  };
}

const MAX_OUTPUT = 160;

/** Pure: the Engine's inspect answer read as a health. */
export function engineHealthOf(inspected: InspectedHealth): EngineHealth {
  const health = inspected.State?.Health;
  const status = health?.Status;
  if (status !== 'starting' && status !== 'healthy' && status !== 'unhealthy')
    return { status: 'none' };
  const last = health?.Log?.at(-1);
  const streak = health?.FailingStreak ?? 0;
  const output = firstLine(last?.Output ?? '');
  const outcome =
    last === undefined
      ? 'no check has run yet'
      : `exit ${last.ExitCode ?? '?'}${output === '' ? '' : `: ${output}`}`;
  const failing = streak > 0 ? `, ${streak} failed in a row` : '';
  return { status, detail: `healthcheck ${status} (${outcome}${failing})` };
}

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > MAX_OUTPUT ? `${line.slice(0, MAX_OUTPUT - 1)}…` : line;
}
