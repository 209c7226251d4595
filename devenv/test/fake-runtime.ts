import type { Prober } from '../src/health/probe.js';
import type { ProbeCheck, ServiceSpec } from '../src/model/stack.js';
import type {
  ExitStatus,
  Runtime,
  RuntimeKind,
  ServiceHandle,
  Unavailable,
} from '../src/runtime/runtime.js';

/** How a fake service behaves; the test changes it at any time with `script`. */
export interface FakeBehaviour {
  /** `check` says the runtime cannot run it, with this reason. */
  readonly unavailable: Unavailable | undefined;
  /** `start` fails with this message. */
  readonly startError: string | undefined;
  /** What its probe answers while it runs. */
  readonly healthy: boolean;
  /** How it exits when stopped; undefined: it ignores the stop until the test ends it. */
  readonly exitOnStop: ExitStatus | undefined;
}

const defaults: FakeBehaviour = {
  unavailable: undefined,
  startError: undefined,
  healthy: true,
  exitOnStop: { code: 0, signal: null },
};

/**
 * A test double for a Runtime: no processes, only promises. Services start at once, answer
 * their probe as scripted, exit when the test says (`exit`) or when stopped, and every call is
 * recorded in order ("check api", "start api", "stop api").
 */
export interface FakeRuntime {
  readonly runtime: Runtime;
  /** Answers the probes made with `probeFor`. */
  readonly prober: Prober;
  readonly calls: string[];
  script(service: string, behaviour: Partial<FakeBehaviour>): void;
  /** The probe check that asks this double about `service`. */
  probeFor(service: string): ProbeCheck;
  /** Ends the service's current run, as a crash or a clean exit would. */
  exit(service: string, status?: Partial<ExitStatus>): void;
  running(service: string): boolean;
  /** How many times `service` was started so far. */
  starts(service: string): number;
}

export function fakeRuntime(kind: RuntimeKind = 'native'): FakeRuntime {
  const calls: string[] = [];
  const behaviours = new Map<string, FakeBehaviour>();
  const runs = new Map<string, (status: ExitStatus) => void>();
  let nextPid = 4_000;
  const behaviourOf = (service: string) => behaviours.get(service) ?? defaults;

  const start = (spec: ServiceSpec): ServiceHandle => {
    const pid = nextPid++;
    let end!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => (end = resolve));
    const finish = (status: ExitStatus) => {
      if (runs.get(spec.name) === finish) runs.delete(spec.name);
      end(status);
    };
    runs.set(spec.name, finish);
    return {
      pid,
      containerId: undefined,
      leftover: { kind: 'process-group', pgid: pid, startTicks: undefined },
      exited,
      stop: (graceMs) => {
        calls.push(`stop ${spec.name} (grace ${graceMs} ms)`);
        const onStop = behaviourOf(spec.name).exitOnStop;
        if (onStop) finish(onStop);
        return exited;
      },
    };
  };

  return {
    calls,
    runtime: {
      kind,
      check: async (spec) => {
        calls.push(`check ${spec.name}`);
        const unavailable = behaviourOf(spec.name).unavailable;
        return unavailable === undefined
          ? { ok: true, value: undefined }
          : { ok: false, error: unavailable };
      },
      start: async (spec) => {
        calls.push(`start ${spec.name}`);
        const error = behaviourOf(spec.name).startError;
        return error === undefined
          ? { ok: true, value: start(spec) }
          : { ok: false, error: { reason: 'unavailable', why: error } };
      },
    },
    prober: async (check) => {
      const service = check.kind === 'exec' ? (check.command[1] ?? '') : '';
      const ok = runs.has(service) && behaviourOf(service).healthy;
      return { ok, detail: ok ? 'fake: healthy' : 'fake: unhealthy' };
    },
    script: (service, behaviour) =>
      behaviours.set(service, { ...behaviourOf(service), ...behaviour }),
    probeFor: (service) => ({ kind: 'exec', command: ['fake-probe', service] }),
    exit: (service, status) =>
      runs.get(service)?.({
        code: status?.code ?? (status?.signal ? null : 1),
        signal: status?.signal ?? null,
      }),
    running: (service) => runs.has(service),
    starts: (service) => calls.filter((c) => c === `start ${service}`).length,
  };
}
