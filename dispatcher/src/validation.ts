import {
  fromJson,
  ScalarType,
  type DescField,
  type DescMessage,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { z } from 'zod';
import { contractsRegistry } from '../../protos/ts/registry.js';
import { err, messageOf, ok, type Result } from '../../devenv/shared/result.js';

/**
 * Input validation derived from the proto messages: each Request message becomes a zod schema
 * (and, through zod, the JSON Schema in openapi.json), so a field added to a .proto is accepted,
 * typed and documented without touching the dispatcher.
 *
 * Field names are the proto names (`patient_id`), as in the responses (`workflow_id`); values are
 * proto3 JSON (Timestamp as RFC 3339, Duration as `"90s"`, enums by name).
 */

/** What the descriptors cannot say: the rules written in the .proto comments ("Must not be empty"). */
export interface FieldRule {
  /** Present and not the default (non-empty string, set message). */
  readonly required?: boolean;
  /** Durations: strictly greater than zero. */
  readonly positive?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
}

/**
 * Keyed by full field name. A test reads the .proto files and fails when a field whose comment
 * says "Must not be empty" / "Must be positive" has no rule here, so the two stay in step.
 */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  'timecop.workflows.v1.WorkflowDemoMixedRequest.name': { required: true },
  'timecop.workflows.v1.WorkflowDemoTypeScriptRequest.name': { required: true },
  'timecop.workflows.v1.WorkflowDemoPythonRequest.name': { required: true },
  'timecop.workflows.v1.SummarizePatientContextWorkflowRequest.patient_id': { required: true },
  // "0 means the activity's default (100)"; an unbounded count would only load Postgres.
  'timecop.workflows.v1.SummarizePatientContextWorkflowRequest.max_events': { min: 0, max: 10_000 },
  'timecop.workflows.v1.LongTimerWorkflowRequest.duration': { required: true, positive: true },
};

/** Dispatcher policy, not contract: no input string needs more, and it keeps payloads small. */
export const DEFAULT_MAX_STRING_LENGTH = 1024;
const MAX_LIST_ITEMS = 1000;

/** One rejected field; `field` is a dotted path (`since`, `items.2.name`), empty for the body itself. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };
const UINT32 = { min: 0, max: 4_294_967_295 };
// Proto3 JSON durations: seconds with up to 9 fractional digits. Protobuf allows ±315,576,000,000 s;
// 11 digits (~3,000 years) stay inside that with a pattern JSON Schema can state.
const DURATION = /^-?\d{1,11}(\.\d{1,9})?s$/;
const POSITIVE_DURATION = /^(?!0+(\.0+)?s$)\d{1,11}(\.\d{1,9})?s$/;

const wellFormed = (s: string) => s.isWellFormed();

function stringSchema(rule: FieldRule): z.ZodType {
  let s = z.string().max(rule.maxLength ?? DEFAULT_MAX_STRING_LENGTH);
  if (rule.required) s = s.min(1, 'must not be empty');
  // Lone UTF-16 surrogates cannot be encoded as UTF-8 (protobuf strings, Temporal IDs).
  return s.refine(wellFormed, 'must be well-formed Unicode (no lone surrogates)');
}

function scalarSchema(scalar: ScalarType, rule: FieldRule): z.ZodType {
  switch (scalar) {
    case ScalarType.STRING:
      return stringSchema(rule);
    case ScalarType.BOOL:
      return z.boolean();
    case ScalarType.BYTES:
      return z.base64().max(rule.maxLength ?? DEFAULT_MAX_STRING_LENGTH);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return z.number();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return z
        .int()
        .min(Math.max(INT32.min, rule.min ?? INT32.min))
        .max(Math.min(INT32.max, rule.max ?? INT32.max));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return z
        .int()
        .min(Math.max(UINT32.min, rule.min ?? UINT32.min))
        .max(Math.min(UINT32.max, rule.max ?? UINT32.max));
    default:
      // 64-bit integers: proto3 JSON writes them as strings (beyond 2^53 a number loses digits).
      return z.union([z.string().regex(/^-?\d{1,20}$/), z.int()]);
  }
}

function messageFieldSchema(message: DescMessage, rule: FieldRule, depth: number): z.ZodType {
  switch (message.typeName) {
    case 'google.protobuf.Timestamp':
      return z.iso.datetime({ offset: true });
    case 'google.protobuf.Duration':
      return z
        .string()
        .regex(
          rule.positive ? POSITIVE_DURATION : DURATION,
          rule.positive
            ? 'must be a positive duration like "90s"'
            : 'must be a duration like "90s"',
        );
    default:
      return messageSchema(message, depth + 1);
  }
}

function fieldSchema(field: DescField, depth: number): z.ZodType {
  const rule = FIELD_RULES[`${field.parent.typeName}.${field.name}`] ?? {};
  switch (field.fieldKind) {
    case 'scalar':
      return scalarSchema(field.scalar, rule);
    case 'enum':
      return z.union([
        z.enum(field.enum.values.map((v) => v.name) as [string, ...string[]]),
        z.int(),
      ]);
    case 'message':
      return messageFieldSchema(field.message, rule, depth);
    case 'list': {
      const item =
        field.listKind === 'scalar'
          ? scalarSchema(field.scalar, {})
          : field.listKind === 'enum'
            ? z.enum(field.enum.values.map((v) => v.name) as [string, ...string[]])
            : messageFieldSchema(field.message, {}, depth);
      return z.array(item).max(MAX_LIST_ITEMS);
    }
    case 'map':
      // No contract uses maps; supporting them untested would be worse than failing loudly.
      throw new Error(`map field ${field.parent.typeName}.${field.name} is not supported`);
  }
}

/** The zod schema of a message's proto3 JSON form (proto field names, unknown fields rejected). */
export function messageSchema(message: DescMessage, depth = 0): z.ZodObject {
  if (depth > 8) throw new Error(`${message.typeName} nests too deeply for an HTTP schema`);
  const shape: Record<string, z.ZodType> = {};
  for (const field of message.fields) {
    const schema = fieldSchema(field, depth);
    const required = FIELD_RULES[`${message.typeName}.${field.name}`]?.required === true;
    shape[field.name] = required ? schema : schema.optional();
  }
  return z.strictObject(shape);
}

const schemas = new Map<string, z.ZodObject>();

/** Cached: route handlers call this per request. */
export function schemaOf(message: DescMessage): z.ZodObject {
  let schema = schemas.get(message.typeName);
  if (!schema) {
    schema = messageSchema(message);
    schemas.set(message.typeName, schema);
  }
  return schema;
}

/** JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of a message's input form. */
export function jsonSchemaOf(message: DescMessage): Record<string, unknown> {
  const schema = z.toJSONSchema(schemaOf(message), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  // OpenAPI documents embed schemas without their own $schema.
  delete schema['$schema'];
  return schema;
}

function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: at === '' ? key : `${at}.${key}`,
        message: 'unknown field',
      }));
    }
    return [{ field: at, message: issue.message }];
  });
}

/** Validates proto3 JSON and builds the message; every rejection is a list of field errors. */
export function parseMessage<Desc extends DescMessage>(
  message: Desc,
  json: unknown,
): Result<Message, FieldError[]> {
  const checked = schemaOf(message).safeParse(json);
  if (!checked.success) return err(fieldErrors(checked.error));
  try {
    // The schema accepts only what fromJson reads; this catch is for what a regex cannot see
    // (e.g. a Timestamp outside years 1–9999).
    return ok(fromJson(message, checked.data as JsonValue, { registry: contractsRegistry }));
  } catch (thrown) {
    return err([{ field: '', message: messageOf(thrown) }]);
  }
}
