/**
 * A Worker that can be replaced while the process runs: the next generation, with the code as it
 * is now, starts polling before the current one stops, and whatever it had in flight finishes on
 * the code it started with. The TypeScript worker runs its workflows and its activities in one
 * of these each, so devenv applies a code change (`x-devenv.hot_reload`) in a fraction of a
 * restart: the process, its connections and the other Worker stay as they are.
 *
 * Each generation has its own connection: the SDK allows one Worker per task type, namespace and
 * task queue on a connection, and two generations overlap while the old one drains.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { PinoLogger } from './logging.js';

export interface ReplaceableWorkerOptions<Code> {
  /** What the Worker runs, for logs: `workflow`, `activity`. */
  readonly name: string;
  connect(): Promise<NativeConnection>;
  /** The code of a generation (1 is the start; later ones load the code as it is now). */
  load(generation: number): Promise<Code>;
  create(connection: NativeConnection, code: Code): Promise<Worker>;
  readonly logger: PinoLogger;
  /** Longest a swap may take to connect and create its Worker (default 15 s). */
  readonly swapTimeoutMs?: number;
}

export interface WorkerGeneration {
  readonly generation: number;
  /** ISO time the generation started polling. */
  readonly since: string;
  readonly worker: Worker;
}

export type SwapOutcome =
  | { readonly ok: true; readonly generation: number; readonly ms: number }
  /** The running generation keeps serving; `error` says why the new one could not start. */
  | { readonly ok: false; readonly error: string };

export interface ReplaceableWorker {
  readonly name: string;
  /** Starts generation 1. */
  start(): Promise<void>;
  /** Starts the next generation with freshly loaded code, then drains the current one. */
  swap(): Promise<SwapOutcome>;
  current(): WorkerGeneration | undefined;
  /**
   * Settles once the host has stopped (shutdown(), or the Runtime's signal handlers shutting the
   * current Worker down) and every older generation has drained; rejects when the current
   * generation's Worker failed.
   */
  run(): Promise<void>;
  shutdown(): void;
}

interface Running extends WorkerGeneration {
  readonly done: Promise<void>;
}

export function createReplaceableWorker<Code>(
  options: ReplaceableWorkerOptions<Code>,
): ReplaceableWorker {
  return new GenerationHost(options);
}

/** The generations of one Worker: the current one, and older ones still draining. */
class GenerationHost<Code> implements ReplaceableWorker {
  readonly name: string;
  readonly #options: ReplaceableWorkerOptions<Code>;
  readonly #generations = new Set<Running>();
  #current: Running | undefined;
  #stopping = false;
  #swapping: Promise<unknown> = Promise.resolve();
  readonly #finished: Promise<void>;
  #finish!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(options: ReplaceableWorkerOptions<Code>) {
    this.name = options.name;
    this.#options = options;
    this.#finished = new Promise<void>((resolve, reject) => {
      this.#finish = { resolve, reject };
    });
    this.#finished.catch(() => undefined); // observed through run()
  }

  async start(): Promise<void> {
    this.#current = await this.#launch(1, await this.#options.load(1));
    // A stop that came while it started (the Runtime's signal handlers never saw this Worker).
    if (this.#stopping) stopWorker(this.#current.worker);
  }

  swap(): Promise<SwapOutcome> {
    // One swap at a time: a request arriving meanwhile loads the code as it is after that one.
    const next = this.#swapping.then(() => this.#swapOnce());
    this.#swapping = next;
    return next;
  }

  current(): WorkerGeneration | undefined {
    return this.#current;
  }

  run(): Promise<void> {
    return this.#finished;
  }

  shutdown(): void {
    this.#stopping = true;
    for (const running of this.#generations) stopWorker(running.worker);
  }

  /** When the current generation ends, the host ends: after the others drained. */
  #ended(running: Running, failure: unknown): void {
    this.#generations.delete(running);
    if (running !== this.#current) {
      if (failure)
        this.#options.logger.warn(
          { err: failure, generation: running.generation },
          `old ${this.name} worker failed while draining`,
        );
      return;
    }
    this.#stopping = true;
    for (const other of this.#generations) stopWorker(other.worker);
    void Promise.allSettled([...this.#generations].map((g) => g.done)).then(() =>
      failure ? this.#finish.reject(failure) : this.#finish.resolve(),
    );
  }

  async #launch(
    generation: number,
    code: Code,
    connecting: Promise<NativeConnection> = this.#options.connect(),
  ): Promise<Running> {
    const connection = await connecting;
    let worker: Worker;
    try {
      worker = await this.#options.create(connection, code);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    const running: Running = {
      generation,
      since: new Date().toISOString(),
      worker,
      done: worker
        .run()
        .finally(() => connection.close().catch(() => undefined))
        .then(
          () => this.#ended(running, undefined),
          (error: unknown) => this.#ended(running, error),
        ),
    };
    this.#generations.add(running);
    return running;
  }

  /** The new code and the new generation's connection, side by side: a swap waits for the slower. */
  async #loadAndConnect(
    generation: number,
  ): Promise<{ code: Code; connecting: Promise<NativeConnection>; loadMs: number }> {
    const started = performance.now();
    const connecting = this.#options.connect();
    try {
      const code = await this.#options.load(generation);
      return { code, connecting, loadMs: Math.round(performance.now() - started) };
    } catch (error) {
      void connecting.then((c) => c.close()).catch(() => undefined);
      throw error;
    }
  }

  async #swapOnce(): Promise<SwapOutcome> {
    const previous = this.#current;
    if (this.#stopping || !previous) return { ok: false, error: 'the worker is stopping' };
    const started = performance.now();
    const generation = previous.generation + 1;
    let next: Running;
    let loadMs: number;
    try {
      const loaded = await this.#loadAndConnect(generation);
      loadMs = loaded.loadMs;
      const timeoutMs = this.#options.swapTimeoutMs ?? 15_000;
      const launching = this.#launch(generation, loaded.code, loaded.connecting);
      next = await withDeadline(launching, timeoutMs, this.name);
    } catch (error) {
      const message = describe(error);
      this.#options.logger.warn(
        { generation, err: message },
        `new ${this.name} code not loaded; the running code keeps serving`,
      );
      return { ok: false, error: message };
    }
    if (this.#stopping) {
      stopWorker(next.worker);
      return { ok: false, error: 'the worker is stopping' };
    }
    this.#current = next;
    stopWorker(previous.worker);
    const ms = Math.round(performance.now() - started);
    this.#options.logger.info(
      { generation, ms, loadMs },
      `${this.name} code reloaded; the previous ${this.name} worker drains`,
    );
    return { ok: true, generation, ms };
  }
}

/** Worker.shutdown() throws unless the Worker is RUNNING; a Worker already stopping is fine. */
function stopWorker(worker: Worker): void {
  if (worker.getState() === 'RUNNING') worker.shutdown();
}

/** The launch, or a rejection after `ms`; a Worker that comes up later is stopped at once. */
function withDeadline(launching: Promise<Running>, ms: number, name: string): Promise<Running> {
  return new Promise<Running>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`no new ${name} worker within ${ms} ms (is Temporal reachable?)`));
    }, ms);
    launching.then(
      (running) => {
        clearTimeout(timer);
        if (late) stopWorker(running.worker);
        else resolve(running);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
