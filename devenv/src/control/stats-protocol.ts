import { z } from 'zod';

/**
 * 200 to GET /stats (events-protocol.ts): one sample of each running instance named, as
 * `docker stats` measures a container. A figure this runtime cannot measure is null (a native
 * service's network I/O: its processes share the host's interfaces).
 */
const sampleSchema = z.object({
  name: z.string(),
  service: z.string(),
  /** A container's id; a native service's pid (its process group), as in `devenv events`. */
  id: z.string(),
  runtime: z.enum(['native', 'docker']),
  /** Of one CPU, over the sampling window: 200 is two cores busy. */
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** The container's limit; natively, or with none, the machine's memory. */
  memoryLimitBytes: z.number().nullable(),
  pids: z.number().nullable(),
  netIO: z.object({ rxBytes: z.number(), txBytes: z.number() }).nullable(),
  blockIO: z.object({ readBytes: z.number(), writeBytes: z.number() }).nullable(),
});
export type StatsSample = z.infer<typeof sampleSchema>;

export const statsAnswerSchema = z.object({
  project: z.string(),
  samples: z.array(sampleSchema),
});
export type StatsAnswer = z.infer<typeof statsAnswerSchema>;
