import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { LongTimerWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { SummarizePatientContextWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';
import { WorkflowDemoMixedRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { FIELD_RULES, jsonSchemaOf, parseMessage } from './validation.js';

/** `message X { … // Must not be empty. … string name = 1; }` → `pkg.X.name`, from the .proto text. */
async function commentedRules(phrase: RegExp): Promise<string[]> {
  const dir = join(PROJECT_ROOT, 'protos', 'timecop', 'workflows', 'v1');
  const found: string[] = [];
  for (const file of await readdir(dir)) {
    const text = await readFile(join(dir, file), 'utf8');
    const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
    let message = '';
    let comment = '';
    for (const line of text.split('\n')) {
      const m = /^message (\w+)/.exec(line);
      if (m) message = m[1]!;
      if (/^\s*\/\//.test(line)) comment += line;
      else {
        const field = /^\s+[\w.]+ (\w+) = \d+;/.exec(line);
        if (field && phrase.test(comment)) found.push(`${pkg}.${message}.${field[1]}`);
        comment = '';
      }
    }
  }
  return found.sort();
}

describe('schemas derived from the proto messages', () => {
  it('carry a rule for every field whose .proto comment states one', async () => {
    const nonEmpty = await commentedRules(/Must not be empty/);
    const positive = await commentedRules(/Must be positive/);
    expect(nonEmpty.length).toBeGreaterThan(0);
    for (const field of nonEmpty) expect(FIELD_RULES[field]?.required, field).toBe(true);
    for (const field of positive) expect(FIELD_RULES[field]?.positive, field).toBe(true);
  });

  it('accept proto3 JSON with proto field names and build the message', () => {
    const parsed = parseMessage(SummarizePatientContextWorkflowRequestSchema, {
      patient_id: 'p-1',
      since: '2024-05-01T10:00:00+02:00',
      max_events: 7,
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      patientId: 'p-1',
      maxEvents: 7,
      since: { seconds: 1714550400n },
    });
  });

  it('reject with one error per field', () => {
    const parsed = parseMessage(SummarizePatientContextWorkflowRequestSchema, {
      patient_id: 7,
      since: 'yesterday',
      max_events: 2 ** 31,
      color: 'red',
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error.map((e) => e.field).sort()).toEqual([
        'color',
        'max_events',
        'patient_id',
        'since',
      ]);
  });

  it('enforce the commented rules: non-empty strings, positive durations, well-formed text', () => {
    expect(parseMessage(WorkflowDemoMixedRequestSchema, { name: '' }).ok).toBe(false);
    expect(parseMessage(WorkflowDemoMixedRequestSchema, {}).ok).toBe(false);
    expect(parseMessage(WorkflowDemoMixedRequestSchema, { name: 'a\ud800' }).ok).toBe(false);
    expect(parseMessage(WorkflowDemoMixedRequestSchema, { name: 'x'.repeat(1025) }).ok).toBe(false);
    expect(parseMessage(LongTimerWorkflowRequestSchema, { duration: '0s' }).ok).toBe(false);
    expect(parseMessage(LongTimerWorkflowRequestSchema, { duration: '-1s' }).ok).toBe(false);
    expect(parseMessage(LongTimerWorkflowRequestSchema, { duration: '1.5s' }).ok).toBe(true);
  });

  it('turn into JSON Schema for OpenAPI', () => {
    expect(jsonSchemaOf(WorkflowDemoMixedRequestSchema)).toEqual({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 1024 } },
      required: ['name'],
      additionalProperties: false,
    });
  });
});
