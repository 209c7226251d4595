import { describe, expect, it } from 'vitest';
import { MAX_DEMO_DELAY_MS, workerConfigFrom } from './config.js';

describe('workerConfigFrom', () => {
  it('takes a demo delay up to half the greeting’s attempt timeout, and refuses a longer one', () => {
    expect(workerConfigFrom({}).demoDelayMs).toBe(0);
    expect(workerConfigFrom({ DEMO_ACTIVITY_DELAY_MS: '5000' }).demoDelayMs).toBe(5_000);
    expect(MAX_DEMO_DELAY_MS).toBe(5_000);
    expect(() => workerConfigFrom({ DEMO_ACTIVITY_DELAY_MS: '5001' })).toThrow(
      /^DEMO_ACTIVITY_DELAY_MS=5001: expected 0 to 5000 ms, .* would time out every attempt\. Lower it/,
    );
    expect(() => workerConfigFrom({ DEMO_ACTIVITY_DELAY_MS: '-1' })).toThrow(/expected 0 to 5000/);
  });
});
