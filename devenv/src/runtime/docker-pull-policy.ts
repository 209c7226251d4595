import type { PullPolicy } from '../model/pull-policy.js';

/** `devenv up --pull` / `devenv pull`'s policy for every service, as Compose's flag overrides them. */
export type PullOverride = 'always' | 'missing' | 'never';

export const PULL_OVERRIDES: readonly PullOverride[] = ['always', 'missing', 'never'];

/** What to do about a service's image before its container starts. */
export type ImageAction =
  /** The image here is the one to run. */
  | 'use-local'
  /** Pull it; `fallback: 'build'` when the service can be built if the pull fails (Compose tolerates that). */
  | { readonly pull: true; readonly fallback: 'build' | 'fail' }
  /** Build it from `build:`. */
  | 'build'
  /** It is not here and the policy forbids a pull. */
  | 'refuse-absent';

export interface ImageFacts {
  readonly policy: PullPolicy | undefined;
  readonly override: PullOverride | undefined;
  /** The service has `build:`. */
  readonly buildable: boolean;
  /** The Engine has the image already. */
  readonly present: boolean;
  /** When devenv last pulled this image (ms since the epoch); undefined: never, or not recorded. */
  readonly lastPulledMs: number | undefined;
  readonly nowMs: number;
}

/**
 * Compose's decision "pull now?": the flag overrides a service's own policy, and a service with
 * `build:` and no policy is built (as `docker compose up` does), whatever the flag says.
 */
export function imageAction(facts: ImageFacts): ImageAction {
  if (facts.buildable && (facts.policy === undefined || facts.policy.kind === 'build'))
    return 'build';
  const policy: PullPolicy = facts.override
    ? { kind: facts.override }
    : (facts.policy ?? { kind: 'missing' });
  const fallback = facts.buildable ? 'build' : 'fail';
  const pull = { pull: true, fallback } as const;
  switch (policy.kind) {
    case 'build':
      return 'build';
    case 'always':
      return pull;
    case 'never':
      if (facts.present) return 'use-local';
      return facts.buildable ? 'build' : 'refuse-absent';
    case 'missing':
      return facts.present ? 'use-local' : pull;
    case 'refresh': {
      if (!facts.present || facts.lastPulledMs === undefined) return pull;
      return facts.nowMs - facts.lastPulledMs >= policy.everyMs ? pull : 'use-local';
    }
  }
}

/** Reads `--pull`'s value; undefined when it is not one Compose takes. */
export function parsePullOverride(value: string): PullOverride | undefined {
  return (PULL_OVERRIDES as readonly string[]).includes(value)
    ? (value as PullOverride)
    : undefined;
}
