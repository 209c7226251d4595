import { create } from '@bufbuild/protobuf';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { WorkflowDemoMixedRequestSchema } from '../gen/ts/timecop/workflows/v1/demo_pb.js';
import { createPayloadConverter, PayloadFailureType } from './payload-converter.js';

const converter = createPayloadConverter();
const bytes = (s: string) => new TextEncoder().encode(s);

function failureOf(payload: Payload): ApplicationFailure {
  try {
    converter.fromPayload(payload);
  } catch (thrown) {
    if (thrown instanceof ApplicationFailure) return thrown;
    throw new Error(`expected an ApplicationFailure, got ${String(thrown)}`, { cause: thrown });
  }
  throw new Error('expected the payload to be rejected');
}

describe('protobuf payload converter', () => {
  it('sends generated messages as binary/protobuf and reads them back', () => {
    const message = create(WorkflowDemoMixedRequestSchema, { name: 'Ada' });
    const payload = converter.toPayload(message);
    expect(new TextDecoder().decode(payload.metadata?.['encoding'])).toBe('binary/protobuf');
    expect(new TextDecoder().decode(payload.metadata?.['messageType'])).toBe(
      'timecop.workflows.v1.WorkflowDemoMixedRequest',
    );
    expect(converter.fromPayload(payload)).toEqual(message);
  });

  it('leaves other values to the default converters', () => {
    expect(converter.fromPayload(converter.toPayload({ plain: [1, 'two'] }))).toEqual({
      plain: [1, 'two'],
    });
    expect(converter.fromPayload(converter.toPayload(undefined))).toBeUndefined();
  });

  it('rejects an unknown messageType with a non-retryable UnknownMessageType failure', () => {
    const failure = failureOf({
      metadata: { encoding: bytes('binary/protobuf'), messageType: bytes('timecop.Nope') },
      data: new Uint8Array(),
    });
    expect(failure.type).toBe(PayloadFailureType.UnknownMessageType);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('"timecop.Nope"');
  });

  it('rejects the same for json/protobuf, and a payload without messageType', () => {
    const unknown = failureOf({
      metadata: { encoding: bytes('json/protobuf'), messageType: bytes('x.Y') },
      data: bytes('{}'),
    });
    expect([unknown.type, unknown.nonRetryable]).toEqual(['UnknownMessageType', true]);
    const missing = failureOf({
      metadata: { encoding: bytes('binary/protobuf') },
      data: bytes(''),
    });
    expect([missing.type, missing.nonRetryable]).toEqual(['MissingMessageType', true]);
  });

  it('rejects corrupt bytes and bad JSON as CorruptProtobufPayload, non-retryable', () => {
    const messageType = bytes('timecop.workflows.v1.WorkflowDemoMixedRequest');
    // Field 1 (string) says 100 bytes follow, but only 2 do.
    const truncated = failureOf({
      metadata: { encoding: bytes('binary/protobuf'), messageType },
      data: new Uint8Array([0x0a, 100, 0x41, 0x42]),
    });
    expect([truncated.type, truncated.nonRetryable]).toEqual(['CorruptProtobufPayload', true]);
    const badJson = failureOf({
      metadata: { encoding: bytes('json/protobuf'), messageType },
      data: bytes('{"name": 42, "unknownField": true}'),
    });
    expect([badJson.type, badJson.nonRetryable]).toEqual(['CorruptProtobufPayload', true]);
  });
});
