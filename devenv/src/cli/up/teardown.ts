type Step = () => unknown;

/**
 * What `up` opened around its stack, closed as Go's defer closes (last opened, first closed)
 * around the one shutdown of the stack: `beforeStop` steps (the file watcher, the load runner)
 * first, then the stack, then `afterStop` steps (the TUI, the sockets, the log bus). Every step
 * runs even when one before it throws, and the stack is stopped whatever they did.
 */
export function teardownSteps() {
  const before: Step[] = [];
  const after: Step[] = [];
  return {
    beforeStop: (step: Step): void => void before.unshift(step),
    afterStop: (step: Step): void => void after.unshift(step),
    run: async (stop: () => Promise<void>) => {
      const failures: unknown[] = [];
      const attempt = async (step: Step): Promise<boolean> => {
        try {
          await step();
          return true;
        } catch (error) {
          failures.push(error);
          return false;
        }
      };
      for (const step of before) await attempt(step);
      const stackStopped = await attempt(stop);
      for (const step of after) await attempt(step);
      return { stackStopped, failures };
    },
  };
}

export type TeardownSteps = ReturnType<typeof teardownSteps>;
