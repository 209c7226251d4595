import type { CommandContext } from './command.js';
import { formatCommand, type Endpoint, type PromoteStep } from '../promote/promote-plan.js';

export function describeStep(step: PromoteStep): string {
  switch (step.kind) {
    case 'build-images':
      return `build ${step.images.join(', ')} (as devenv images build does)`;
    case 'containerd-import':
      return `docker save ${step.images.join(' ')} | ${formatCommand(step.run)}`;
    case 'helm-upgrade':
      // The annotation's value is known once the images are built.
      return `${formatCommand(step.run)} --set-string podAnnotations.devenv\\.dev/images=<hash of the built image ids>`;
    default:
      return formatCommand(step.run);
  }
}

export function printEndpoints(ctx: CommandContext, endpoints: readonly Endpoint[]): void {
  if (endpoints.length === 0) return;
  ctx.out('Endpoints (forward each to this machine):');
  for (const e of endpoints)
    ctx.out(
      `  ${e.service} ${e.ports.map((p) => `${p.port}${p.name ? `/${p.name}` : ''}`).join(' ')}\n    ${e.command}`,
    );
}

/** Chunks of command output as whole lines (the last partial line waits for the next chunk). */
export function lineWriter(emit: (line: string) => void) {
  let pending = '';
  return {
    write(chunk: string) {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) emit(part.trimEnd());
    },
    flush() {
      if (pending !== '') emit(pending.trimEnd());
      pending = '';
    },
  };
}
