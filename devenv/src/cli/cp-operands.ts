import { err, ok, type Result } from '../../shared/result.js';

/** Where `devenv cp` copies, from its two operands: one names a service, the other this host. */
export type CpOperands =
  | {
      readonly direction: 'from-service';
      readonly service: string;
      readonly servicePath: string;
      /** A host path, or `-`: a tar stream on stdout. */
      readonly hostPath: string;
    }
  | {
      readonly direction: 'to-service';
      readonly service: string;
      readonly servicePath: string;
      /** A host path, or `-`: a tar stream on stdin. */
      readonly hostPath: string;
    };

type Operand =
  | { readonly kind: 'host'; readonly path: string }
  | { readonly kind: 'service'; readonly service: string; readonly path: string };

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/**
 * One operand as Docker reads it: an absolute path, `-`, or a path whose part before the first
 * colon starts with `.`, is this host's (write `./a:b` for a local file named `a:b`); otherwise
 * `SERVICE:PATH`.
 */
function operandOf(arg: string, position: string): Result<Operand, string> {
  if (arg === '') return err(`${position} is empty: expected SERVICE:PATH, a path or -`);
  if (arg === '-' || arg.startsWith('/')) return ok({ kind: 'host', path: arg });
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return ok({ kind: 'host', path: arg });
  const service = arg.slice(0, colon);
  const path = arg.slice(colon + 1);
  if (!SERVICE_NAME.test(service))
    return err(
      `${position} "${arg}": "${service}" is not a service name; write ./${arg} for a local path with a colon`,
    );
  if (path === '') return err(`${position} "${arg}": no path after "${service}:"`);
  return ok({ kind: 'service', service, path });
}

/** SRC and DEST of `devenv cp`, or why they cannot be copied, for people. */
export function parseCpOperands(src: string, dest: string): Result<CpOperands, string> {
  const from = operandOf(src, 'SRC');
  if (!from.ok) return from;
  const to = operandOf(dest, 'DEST');
  if (!to.ok) return to;
  const a = from.value;
  const b = to.value;
  if (a.kind === 'service' && b.kind === 'host')
    return ok({
      direction: 'from-service',
      service: a.service,
      servicePath: a.path,
      hostPath: b.path,
    });
  if (a.kind === 'host' && b.kind === 'service')
    return ok({
      direction: 'to-service',
      service: b.service,
      servicePath: b.path,
      hostPath: a.path,
    });
  if (a.kind === 'service')
    return err('copying between services is not supported: copy to this host, then on');
  return err('name a service in SRC or DEST (SERVICE:PATH), e.g. devenv cp api:/app/log.txt .');
}
