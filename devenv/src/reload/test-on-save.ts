import { runRelatedTests, type TestRun } from './related-tests.js';

const NOTHING_RUN_YET: TestRun = {
  state: 'done',
  passed: 0,
  failed: 0,
  none: true,
  files: 0,
  ms: 0,
  firstFailure: undefined,
};

export interface TestOnSave {
  /** The latest run while on (a "none yet" result before the first), undefined while off. */
  current(): TestRun | undefined;
  /** Turns it on or off; returns whether it is now on. */
  toggle(): boolean;
  /** Files saved: runs the tests related to them, while on. */
  saved(paths: readonly string[]): void;
}

/** `t` in the TUI: saving a file runs the tests related to it, one run at a time. */
export function createTestOnSave(options: {
  readonly root: string;
  readonly changed: () => void;
  readonly note: (text: string) => void;
}): TestOnSave {
  let on = false;
  let latest: TestRun | undefined;
  // One run at a time; files saved meanwhile join the next run.
  let running: Promise<void> | undefined;
  let pending = new Set<string>();
  const runPending = async () => {
    while (pending.size > 0 && on) {
      const files = [...pending];
      pending = new Set();
      latest = { state: 'running', files: files.length, since: Date.now() };
      options.changed();
      latest = await runRelatedTests(options.root, files);
      options.changed();
      if (latest.state === 'done' && !latest.none)
        options.note(
          `tests related to ${files.length} changed file(s): ${latest.passed} passed, ${latest.failed} failed`,
        );
    }
    running = undefined;
  };
  return {
    current: () => (on ? (latest ?? NOTHING_RUN_YET) : undefined),
    toggle: () => {
      on = !on;
      if (!on) latest = undefined;
      options.changed();
      return on;
    },
    saved: (paths) => {
      if (!on) return;
      for (const path of paths) if (/\.(ts|tsx|js|py)$/.test(path)) pending.add(path);
      if (running || pending.size === 0) return;
      running = runPending();
    },
  };
}
