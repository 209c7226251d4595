import { z } from 'zod';
import { parseDuration } from './duration.js';
import { parseLongPort, parseShortPort } from './ports.js';
import { splitShellWords } from './shell-words.js';
import type { PortMapping } from './stack.js';
import { parseLongVolume, parseShortVolume, type VolumeEntry } from './volumes.js';

// Value types shared by the service schema and x-devenv.

export const duration = z
  .string({ error: 'expected a duration like 10s, 1m30s or 500ms' })
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({
      code: 'custom',
      message: parsed.error,
      params: { hint: 'write a duration like 10s, 1m30s or 500ms' },
    });
    return z.NEVER;
  });

/** An integer, also when interpolation made it a string (Compose casts those). */
export const integer = z.union(
  [
    z.number().int(),
    z
      .string()
      .regex(/^\s*\d+\s*$/)
      .transform(Number),
  ],
  {
    error: 'expected a whole number',
  },
);

export const portNumber = integer.refine(
  (n) => n >= 1 && n <= 65_535,
  'expected a port number 1-65535',
);

/** A string is split like a shell would (Compose does); a list is taken as argv. */
export const argv = z
  .union([z.string(), z.array(z.string({ error: 'expected a string' }))], {
    error: 'expected a string or a list of strings',
  })
  .transform((value, ctx): string[] => {
    if (Array.isArray(value)) return value.map(String);
    const split = splitShellWords(value);
    if (split.ok) return split.value;
    ctx.addIssue({
      code: 'custom',
      message: split.error,
      params: { hint: 'write the command as a list, e.g. ["sh", "-c", "a && b"]' },
    });
    return z.NEVER;
  });

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `environment`-like: a mapping (a null value means "take it from the environment") or `KEY=VAL` list. */
export const keyedSchema = z.union(
  [
    z.record(z.string(), scalar.nullable()),
    z.array(z.string({ error: 'expected a "KEY=VALUE" string' })),
  ],
  { error: 'expected a mapping KEY: VALUE or a list of "KEY=VALUE" strings' },
);

export const port = z
  .union(
    [
      z.string(),
      z.number().int(),
      z.looseObject({
        target: integer,
        published: z.union([z.string(), z.number().int()]).optional(),
        host_ip: z.string().optional(),
        protocol: z.string().optional(),
      }),
    ],
    { error: 'expected "HOST:CONTAINER", a port number, or {target, published}' },
  )
  .transform((value, ctx): PortMapping[] => {
    const parsed = typeof value === 'object' ? parseLongPort(value) : parseShortPort(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  });

export const volume = z
  .union(
    [
      z.string(),
      z.looseObject({
        type: z.string().optional(),
        source: z.string().optional(),
        target: z.string().optional(),
        read_only: z.boolean().optional(),
        image: z.looseObject({ subpath: z.string().optional() }).optional(),
      }),
    ],
    { error: 'expected "SOURCE:TARGET[:ro]" or {type, source, target}' },
  )
  .transform((value, ctx): VolumeEntry => {
    const parsed = typeof value === 'string' ? parseShortVolume(value) : parseLongVolume(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  });

export const url = z.string().refine((text) => URL.canParse(text), 'expected a URL');
