import { describe, expect, it } from 'vitest';
import { generate, readComposeSpecSchema } from './schema-keys.generate.js';
import { COMPOSE_SPEC_VERSION, KEY_NODES } from './schema-keys.js';

describe('schema-keys.ts', () => {
  it('is what the generator makes from compose-go’s compose-spec.json (regenerate if not)', () => {
    expect(COMPOSE_SPEC_VERSION).toBe('v2.16.2');
    const fresh = JSON.parse(JSON.stringify(generate(readComposeSpecSchema()))) as unknown;
    expect(KEY_NODES).toEqual(fresh);
  }, 60_000);
});
