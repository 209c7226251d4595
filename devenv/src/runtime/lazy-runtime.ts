import type { Runtime } from './runtime.js';

/**
 * A runtime whose module loads on first use: the docker runtime pulls in dockerode and its
 * gRPC stack, which a native-only session never needs.
 */
export function lazyRuntime(kind: Runtime['kind'], load: () => Promise<Runtime>): Runtime {
  let loaded: Promise<Runtime> | undefined;
  const runtime = () => (loaded ??= load());
  return {
    kind,
    check: async (spec) => (await runtime()).check(spec),
    start: async (spec, ctx) => (await runtime()).start(spec, ctx),
  };
}
