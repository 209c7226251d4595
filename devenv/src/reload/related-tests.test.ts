import { describe, expect, it } from 'vitest';
import { summarizeVitest } from './related-tests.js';

describe("vitest's summary", () => {
  it('reads passed and failed counts and the first failure', () => {
    const output = ` × devenv/src/a.test.ts > adds numbers 3ms\n\n Test Files  1 failed | 2 passed (3)\n      Tests  1 failed | 14 passed (15)\n`;
    expect(summarizeVitest(output)).toEqual({
      passed: 14,
      failed: 1,
      none: false,
      firstFailure: 'devenv/src/a.test.ts > adds numbers 3ms',
    });
  });

  it('says when no test relates to the change', () => {
    expect(summarizeVitest('No test files found, exiting with code 0\n').none).toBe(true);
  });
});
