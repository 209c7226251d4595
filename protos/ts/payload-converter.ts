import {
  fromBinary,
  fromJson,
  isMessage,
  toBinary,
  toJson,
  type DescMessage,
  type JsonValue,
  type Registry,
} from '@bufbuild/protobuf';
import {
  ApplicationFailure,
  BinaryPayloadConverter,
  CompositePayloadConverter,
  encodingTypes,
  JsonPayloadConverter,
  METADATA_ENCODING_KEY,
  METADATA_MESSAGE_TYPE_KEY,
  UndefinedPayloadConverter,
  type Payload,
  type PayloadConverter,
  type PayloadConverterWithEncoding,
} from '@temporalio/common';
import { contractsRegistry } from './registry.js';

/**
 * Failure types (ApplicationFailure.type) a bad protobuf payload raises. They are non-retryable:
 * the same bytes fail the same way on every attempt, so retrying would only hide the bug.
 */
export const PayloadFailureType = {
  /** `messageType` names a message this process has no generated code for. */
  UnknownMessageType: 'UnknownMessageType',
  /** A protobuf payload without `messageType` metadata: nothing says how to read it. */
  MissingMessageType: 'MissingMessageType',
  /** The bytes (or JSON) do not parse as the named message. */
  CorruptProtobufPayload: 'CorruptProtobufPayload',
} as const;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Shared by both encodings: how a protobuf-es message is found and named. */
abstract class ProtobufEsPayloadConverter implements PayloadConverterWithEncoding {
  abstract readonly encodingType: string;
  constructor(protected readonly registry: Registry) {}

  toPayload<T>(value: T): Payload | undefined {
    if (!isMessage(value)) return undefined;
    const schema = this.schemaFor(value.$typeName);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: textEncoder.encode(this.encodingType),
        [METADATA_MESSAGE_TYPE_KEY]: textEncoder.encode(value.$typeName),
      },
      data: this.encode(schema, value),
    };
  }

  fromPayload<T>(payload: Payload): T {
    const raw = payload.metadata?.[METADATA_MESSAGE_TYPE_KEY];
    if (!raw || raw.length === 0) {
      throw ApplicationFailure.create({
        type: PayloadFailureType.MissingMessageType,
        message: `a ${this.encodingType} payload has no "${METADATA_MESSAGE_TYPE_KEY}" metadata`,
        nonRetryable: true,
      });
    }
    const typeName = decodeText(raw) ?? '<not UTF-8>';
    const schema = this.schemaFor(typeName);
    try {
      return this.decode(schema, bytesOf(payload.data)) as T;
    } catch (thrown) {
      throw ApplicationFailure.create({
        type: PayloadFailureType.CorruptProtobufPayload,
        message: `a ${this.encodingType} payload does not parse as ${typeName}: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
        nonRetryable: true,
      });
    }
  }

  protected abstract encode(schema: DescMessage, value: unknown): Uint8Array;
  protected abstract decode(schema: DescMessage, data: Uint8Array): unknown;

  private schemaFor(typeName: string): DescMessage {
    const schema = this.registry.getMessage(typeName);
    if (schema) return schema;
    throw ApplicationFailure.create({
      type: PayloadFailureType.UnknownMessageType,
      message: `no generated code for protobuf message "${typeName}" (is protos/gen up to date, and is its file in protos/ts/registry.ts?)`,
      nonRetryable: true,
    });
  }
}

/**
 * `binary/protobuf`: the protobuf wire format, exactly as temporalio's (Python)
 * BinaryProtoPayloadConverter writes it: metadata `encoding` and `messageType` (full name).
 */
export class ProtobufBinaryPayloadConverter extends ProtobufEsPayloadConverter {
  readonly encodingType = encodingTypes.METADATA_ENCODING_PROTOBUF;
  protected encode(schema: DescMessage, value: unknown): Uint8Array {
    return toBinary(schema, value as never);
  }
  protected decode(schema: DescMessage, data: Uint8Array): unknown {
    return fromBinary(schema, data);
  }
}

/**
 * `json/protobuf`: proto3 JSON, as temporalio's JSONProtoPayloadConverter writes it (what the
 * Python SDK sends by default): compact, keys sorted, ASCII-only, lowerCamelCase names, defaults
 * omitted, so both SDKs write the same bytes for the same message.
 */
export class ProtobufJsonPayloadConverter extends ProtobufEsPayloadConverter {
  readonly encodingType = encodingTypes.METADATA_ENCODING_PROTOBUF_JSON;
  protected encode(schema: DescMessage, value: unknown): Uint8Array {
    const json = toJson(schema, value as never, { registry: this.registry });
    return textEncoder.encode(asciiOnly(JSON.stringify(sortKeys(json))));
  }
  protected decode(schema: DescMessage, data: Uint8Array): unknown {
    const text = decodeText(data);
    if (text === undefined) throw new Error('the data is not UTF-8');
    return fromJson(schema, JSON.parse(text) as JsonValue, { registry: this.registry });
  }
}

/**
 * The converter for workers, clients and the dispatcher: null, bytes, protobuf-es messages (sent
 * as binary/protobuf; json/protobuf is read too), then plain JSON. Unknown or corrupt protobuf
 * payloads become non-retryable ApplicationFailures (PayloadFailureType), never a crash.
 */
export function createPayloadConverter(registry: Registry = contractsRegistry): PayloadConverter {
  return new CompositePayloadConverter(
    new UndefinedPayloadConverter(),
    new BinaryPayloadConverter(),
    new ProtobufBinaryPayloadConverter(registry),
    new ProtobufJsonPayloadConverter(registry),
    new JsonPayloadConverter(),
  );
}

/** What Temporal's `payloadConverterPath` expects a module to export. */
export const payloadConverter: PayloadConverter = createPayloadConverter();

/**
 * The payload's bytes as a Uint8Array of this realm. Inside the workflow sandbox an empty `data`
 * arrives as protobufjs's default (`util.newBuffer([])`, a plain Array where there is no Buffer),
 * on which protobuf-es's reader fails ("First argument to DataView constructor must be an
 * ArrayBuffer"): an empty message (all fields default) would fail the workflow task.
 */
function bytesOf(data: ArrayLike<number> | null | undefined): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return Uint8Array.from(data ?? []);
}

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Python's json.dumps escapes every non-ASCII UTF-16 unit (ensure_ascii), lower-case hex. */
function asciiOnly(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python's json.dumps(sort_keys=True) order, so both SDKs write the same bytes. */
function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key] as JsonValue)]),
  );
}
