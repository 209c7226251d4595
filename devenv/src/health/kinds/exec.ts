import { z } from 'zod';
import { argv } from '../../model/schema-fields.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface ExecCheck {
  readonly kind: 'exec';
  readonly command: readonly string[];
}

const runner = importOnce(() => import('../exec-probe.js'));

/** `exec: command` or `exec: {command}`: the command exits 0, run in the service's directory. */
export const execProbe: ProbeKindDefinition<ExecCheck> = {
  parse: z
    .union([argv, z.strictObject({ command: argv })], {
      error: 'expected a command or {command}',
    })
    .transform((exec) => ({ kind: 'exec', command: Array.isArray(exec) ? exec : exec.command })),
  write: (check) => ({ command: check.command }),
  example: { kind: 'exec', command: ['pg_isready', '-q'] },
  run: async (check, timeoutMs, cwd) => (await runner()).probeExec(check.command, cwd, timeoutMs),
};
