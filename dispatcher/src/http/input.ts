import { ScalarType, type DescMessage } from '@bufbuild/protobuf';
import { err, ok, type Result } from '../../../devenv/shared/result.js';
import type { FieldError } from '../validation.js';

/**
 * The JSON to validate for a start: the body's fields plus query parameters, so both
 * `POST /typescript/demo-mixed {"name":"a"}` and the seeds' `POST /typescript/demo-mixed?name=a`
 * work. Query strings carry text only; numbers and booleans are converted by the field's type
 * (what does not convert is left as text, for the schema to reject with a field error).
 */
export function startInput(
  message: DescMessage,
  query: unknown,
  body: unknown,
): Result<Record<string, unknown>, FieldError[]> {
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    return err([{ field: '', message: 'the body must be a JSON object' }]);
  }
  const input: Record<string, unknown> = { ...(body as Record<string, unknown> | undefined) };
  const errors: FieldError[] = [];
  for (const [name, raw] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const field = message.fields.find((f) => f.name === name);
    if (!field) {
      errors.push({ field: name, message: 'unknown query parameter' });
    } else if (Object.hasOwn(input, name)) {
      errors.push({ field: name, message: 'given both in the query and in the body' });
    } else {
      input[name] = fromQuery(field.fieldKind === 'scalar' ? field.scalar : undefined, raw);
    }
  }
  return errors.length > 0 ? err(errors) : ok(input);
}

function fromQuery(scalar: ScalarType | undefined, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  switch (scalar) {
    case ScalarType.BOOL:
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    default:
      return raw;
  }
}
