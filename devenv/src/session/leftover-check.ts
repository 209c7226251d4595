/**
 * What the session file says is only a claim: a pgid of 1 (or 0, or -1) handed to kill(-pgid)
 * signals every process there is, and a recycled pid names a stranger. These decide, from what
 * /proc and the Docker Engine show now, whether a recorded leftover may be killed or removed.
 */

/** A recorded process group, as read from the session file. */
export interface RecordedGroup {
  readonly pgid: number;
  readonly startTicks?: number | undefined;
}

/** What /proc shows about the recorded group now, and who we are. */
export interface GroupFacts {
  /** devenv's own pid and process group: never a leftover. */
  readonly ownPid: number;
  readonly ownPgid: number | undefined;
  /** A living (non-zombie) process is in the group. */
  readonly alive: boolean;
  /** The start ticks of the process whose pid is the pgid, when it lives. */
  readonly leaderTicks: number | undefined;
  /** The start ticks of the group's living processes. */
  readonly memberTicks: readonly number[];
}

export type Verdict =
  /** Ours and still there: kill it. */
  | { readonly kind: 'reap' }
  /** Nothing left to act on. */
  | { readonly kind: 'gone' }
  /** The record is not to be acted on; `why` is for the person reading devenv's output. */
  | { readonly kind: 'refused'; readonly why: string };

const refused = (why: string): Verdict => ({ kind: 'refused', why });

export function checkGroup(recorded: RecordedGroup, facts: GroupFacts): Verdict {
  const { pgid, startTicks } = recorded;
  if (!Number.isSafeInteger(pgid) || pgid <= 1)
    return refused(
      `pgid ${pgid} is no process group devenv starts (${pgid === 1 ? 'kill(-1) signals every process' : 'those are greater than 1'})`,
    );
  if (pgid === facts.ownPid || pgid === facts.ownPgid)
    return refused(`pgid ${pgid} is this devenv's own process group`);
  if (!facts.alive) return { kind: 'gone' };
  if (startTicks === undefined)
    return refused(`pgid ${pgid} has no recorded start time to tell it from a stranger's group`);
  if (facts.leaderTicks !== undefined)
    return facts.leaderTicks === startTicks
      ? { kind: 'reap' }
      : refused(
          `pgid ${pgid} now belongs to another process (started at tick ${facts.leaderTicks}, not ${startTicks})`,
        );
  // The leader is gone and its group lives on: what it started cannot predate it.
  const older = facts.memberTicks.filter((ticks) => ticks < startTicks);
  return older.length === 0
    ? { kind: 'reap' }
    : refused(
        `pgid ${pgid} holds ${older.length} process(es) older than its recorded leader: not the group devenv started`,
      );
}

/** A container id as the Engine gives it (full or short hex). */
export const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

/** What the Engine says of a recorded container now. */
export type ContainerFacts =
  | { readonly kind: 'labels'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'gone' }
  | { readonly kind: 'unknown'; readonly why: string };

export function checkContainer(
  id: string,
  expected: Readonly<Record<string, string>>,
  facts: ContainerFacts,
): Verdict {
  if (!CONTAINER_ID.test(id)) return refused(`container "${id}" is not a container id`);
  if (facts.kind === 'gone') return { kind: 'gone' };
  if (facts.kind === 'unknown')
    return refused(`container ${id.slice(0, 12)}: cannot read its labels (${facts.why})`);
  const wrong = Object.entries(expected).filter(([key, value]) => facts.labels[key] !== value);
  return wrong.length === 0
    ? { kind: 'reap' }
    : refused(
        `container ${id.slice(0, 12)} does not carry this session's labels (${wrong
          .map(([key, value]) => `${key}=${facts.labels[key] ?? '(none)'}, expected ${value}`)
          .join('; ')})`,
      );
}
