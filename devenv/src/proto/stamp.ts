import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * `protos/gen/devenv-stamp.json`: what the generated code was made from. Generation compares
 * it with the current inputs to skip unchanged files, and doctor compares its generator versions
 * with versions.yaml. Written last, so a stamp always describes complete output.
 */
export const stampSchema = z.strictObject({
  schemaVersion: z.literal(1),
  configHash: z.string(),
  /** The generator versions it was made with (versions.yaml keys: buf, protoc, protobuf-es). */
  generators: z.record(z.string(), z.string()),
  /** Versions the generated files themselves record in their headers (see generated-versions.ts). */
  recorded: z.strictObject({
    protocGenEs: z.array(z.string()),
    pythonGencode: z.array(z.string()),
  }),
  /** Per .proto (relative to protos/): its content hash and its output files (relative to gen/). */
  protos: z.record(z.string(), z.strictObject({ hash: z.string(), outputs: z.array(z.string()) })),
});
export type Stamp = z.infer<typeof stampSchema>;

/** The stamp, or undefined when there is none or it is unreadable (then everything is regenerated). */
export async function readStamp(path: string): Promise<Stamp | undefined> {
  try {
    const parsed = stampSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
