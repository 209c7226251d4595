import type { EngineController } from '../../engine/engine-controller.js';
import { stackOutcome } from '../../engine/outcome.js';
import type { EngineState } from '../../engine/service-state.js';
import type { Reporter } from '../reporter.js';
import type { StopCause } from './stop-request.js';

/** `--ci`: 0 once every service is ready; 1 when one failed, time ran out or a stop came. */
export async function ciRun(options: {
  readonly engine: EngineController;
  readonly reporter: Reporter;
  readonly stopRequest: { readonly requested: Promise<StopCause> };
  readonly timeoutMs: number;
}): Promise<number> {
  const { engine, reporter, timeoutMs } = options;
  const verdict = await Promise.race([
    ciVerdict(engine),
    options.stopRequest.requested,
    sleep(timeoutMs).then(() => 'timeout' as const),
  ]);
  if (verdict === 'timeout') {
    reporter.line(`not ready after ${timeoutMs / 1000} s: ${describeWaiting(engine.getState())}`);
    return 1;
  }
  switch (verdict.kind) {
    case 'signal':
    case 'fault':
      return 1;
    case 'failed':
      for (const f of verdict.failures) {
        reporter.line(`${f.service}: ${f.reason}`);
        for (const r of engine.logs.tail(f.service, { limit: 20 }))
          reporter.line(`  ${f.service} | ${r.text}`);
      }
      return 1;
    case 'ready':
      reporter.line(`all ${engine.stack.startOrder.length} services ready`);
      return 0;
  }
}

function ciVerdict(engine: EngineController) {
  return new Promise<Exclude<ReturnType<typeof stackOutcome>, { kind: 'settling' }>>((resolve) => {
    const check = (state: EngineState) => {
      const outcome = stackOutcome(state, engine.stack);
      if (outcome.kind !== 'settling') resolve(outcome);
    };
    engine.subscribe(check);
    check(engine.getState());
  });
}

function describeWaiting(state: EngineState): string {
  return state.order
    .map((n) => state.services[n]!)
    .filter((s) => s.phase !== 'healthy' && s.phase !== 'completed')
    .map((s) => `${s.name} ${s.phase}${s.lastProbe ? ` (${s.lastProbe.detail})` : ''}`)
    .join(', ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
