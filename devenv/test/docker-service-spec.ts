import type { DevenvExtension, ServiceSpec } from '../src/model/stack.js';
import type { LogStream } from '../src/logbus/log-record.js';
import type { StartContext } from '../src/runtime/runtime.js';

/**
 * A service as the model hands it to a runtime, with nothing set that a test did not ask for:
 * no image, build, command, ports or mounts, `restart: no`, stopped without a grace period.
 */
export function serviceSpec(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    image: undefined,
    build: undefined,
    command: undefined,
    entrypoint: undefined,
    environment: {},
    ports: [],
    volumes: [],
    dependsOn: {},
    healthcheck: undefined,
    profiles: [],
    restart: 'no',
    stopGracePeriodMs: 0,
    workingDir: undefined,
    watch: [],
    devenv: devenvExtension(),
    ...overrides,
  };
}

/** `x-devenv` with nothing set but the group. */
export function devenvExtension(overrides: Partial<DevenvExtension> = {}): DevenvExtension {
  return {
    native: undefined,
    probe: undefined,
    reloadGuard: undefined,
    hotReload: undefined,
    group: 'test',
    optional: false,
    url: undefined,
    ...overrides,
  };
}

/** A start's context that keeps what the service wrote, per stream. */
export interface CapturedOutput extends StartContext {
  text(stream: LogStream): string;
  /** The stream's non-empty lines. */
  lines(stream: LogStream): string[];
}

export function captureOutput(): CapturedOutput {
  const chunks = new Map<LogStream, Buffer[]>();
  const text = (stream: LogStream) => Buffer.concat(chunks.get(stream) ?? []).toString('utf8');
  return {
    output: (stream, chunk) => {
      const kept = chunks.get(stream) ?? [];
      kept.push(chunk);
      chunks.set(stream, kept);
    },
    text,
    lines: (stream) => text(stream).split('\n').filter(Boolean),
  };
}
