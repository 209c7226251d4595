import { describe, expect, it } from 'vitest';
import {
  IdClock,
  idempotentWorkflowId,
  idKey,
  isValidIdempotencyKey,
  uniqueWorkflowId,
} from './ids.js';

describe('workflow IDs', () => {
  it('keep readable keys as they are', () => {
    expect(idKey('alice')).toBe('alice');
    expect(idKey('patient-001')).toBe('patient-001');
    expect(idKey('Zoë')).toBe('Zoë');
  });

  it('replace URL- and shell-hostile characters and keep distinct keys distinct', () => {
    const a = idKey('a b');
    const b = idKey('a_b');
    expect(a).toMatch(/^a_b~[0-9a-f]{8}$/);
    expect(b).toBe('a_b');
    expect(idKey('x/y?z#%')).toMatch(/^x_y_z__~[0-9a-f]{8}$/);
    expect(idKey('')).toBe('_');
  });

  it('cut long keys to 64 characters with a digest of the whole key', () => {
    const long = idKey('k'.repeat(500));
    expect([...long]).toHaveLength(64);
    expect(long).not.toBe(idKey(`${'k'.repeat(499)}j`));
  });

  it('are {Workflow}-{key}-{epochMs}, never repeated within a process', () => {
    let now = 1_700_000_000_000;
    const clock = new IdClock(() => now);
    expect(uniqueWorkflowId('WorkflowDemoMixed', 'alice', clock)).toBe(
      'WorkflowDemoMixed-alice-1700000000000',
    );
    expect(uniqueWorkflowId('WorkflowDemoMixed', 'alice', clock)).toBe(
      'WorkflowDemoMixed-alice-1700000000001',
    );
    expect(uniqueWorkflowId('WorkflowDemoMixed', 'bob', clock)).toBe(
      'WorkflowDemoMixed-bob-1700000000000',
    );
    now += 10;
    expect(uniqueWorkflowId('WorkflowDemoMixed', 'alice', clock)).toBe(
      'WorkflowDemoMixed-alice-1700000000010',
    );
  });

  it('with an Idempotency-Key, are stable for the same key and differ for another', () => {
    const id = idempotentWorkflowId('WorkflowDemoMixed', 'alice', 'order-42');
    expect(id).toMatch(/^WorkflowDemoMixed-alice-idem-[0-9a-f]{24}$/);
    expect(idempotentWorkflowId('WorkflowDemoMixed', 'alice', 'order-42')).toBe(id);
    expect(idempotentWorkflowId('WorkflowDemoMixed', 'alice', 'order-43')).not.toBe(id);
  });

  it('accept Idempotency-Keys of 1–255 visible ASCII characters', () => {
    expect(isValidIdempotencyKey('a')).toBe(true);
    expect(isValidIdempotencyKey('x'.repeat(255))).toBe(true);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('ü')).toBe(false);
  });
});
