import type { Runtime, RuntimeKind } from './runtime.js';

/**
 * A runtime whose module is imported on first use: the docker runtime pulls in dockerode and its
 * gRPC stack, which a native-only session never needs.
 */
export function lazyRuntime(kind: RuntimeKind, importRuntime: () => Promise<Runtime>): Runtime {
  let imported: Promise<Runtime> | undefined;
  const runtime = () => (imported ??= importRuntime());
  return {
    kind,
    check: async (spec) => (await runtime()).check(spec),
    start: async (spec, ctx) => (await runtime()).start(spec, ctx),
  };
}
