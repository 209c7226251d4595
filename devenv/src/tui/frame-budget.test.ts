import { describe, expect, it } from 'vitest';
import { createFrameBudget } from './frame-budget.js';

describe('frame budget', () => {
  it('draws at the base rate while frames are cheap', () => {
    const budget = createFrameBudget();
    expect(budget.nextDelay()).toBe(50);
    budget.recordRender(1);
    budget.recordOutput(2);
    expect(budget.nextDelay()).toBe(50);
  });

  it('spaces expensive frames so drawing takes about a tenth of the time, within a second', () => {
    const budget = createFrameBudget();
    budget.recordRender(10);
    budget.recordOutput(20);
    expect(budget.nextDelay()).toBe(270);
    for (let i = 0; i < 20; i++) budget.recordOutput(500);
    expect(budget.nextDelay()).toBe(1000);
  });

  it('smooths one slow frame and recovers when frames are cheap again', () => {
    const budget = createFrameBudget();
    budget.recordRender(2);
    budget.recordRender(100);
    expect(budget.nextDelay()).toBeLessThan(300);
    for (let i = 0; i < 30; i++) budget.recordRender(1);
    expect(budget.nextDelay()).toBe(50);
  });
});
