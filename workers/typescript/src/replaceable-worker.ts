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
import type { DiscardableWorker } from './discardable-worker.js';
import type { PinoLogger } from './logging.js';
import { PreparedSlot, release, type Prepared } from './prepared-generation.js';

export interface ReplaceableWorkerOptions<Code> {
  /** What the Worker runs, for logs: `workflow`, `activity`. */
  readonly name: string;
  connect(): Promise<NativeConnection>;
  /** The code of a generation (1 is the start; later ones load the code as it is now). */
  load(generation: number): Promise<Code>;
  /** A Worker that has not polled yet: a prepared one that is never swapped in is discarded. */
  create(connection: NativeConnection, code: Code): Promise<DiscardableWorker>;
  readonly logger: PinoLogger;
  /** Longest a swap may take to connect and create its Worker (default 15 s). */
  readonly swapTimeoutMs?: number;
  /** How long a prepared generation waits for its swap before it is discarded (default 60 s). */
  readonly preparedTtlMs?: number;
}

export interface WorkerGeneration {
  readonly generation: number;
  /** ISO time the generation started polling. */
  readonly since: string;
  readonly worker: Worker;
}

export type SwapOutcome =
  | {
      readonly ok: true;
      readonly generation: number;
      readonly ms: number;
      /** The swap ran a generation prepare() had created (its Worker was not created now). */
      readonly prepared: boolean;
    }
  /** The running generation keeps serving; `error` says why the new one could not start. */
  | { readonly ok: false; readonly error: string };

export type PrepareOutcome =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };

export interface ReplaceableWorker<Code = unknown> {
  readonly name: string;
  /** Starts generation 1. */
  start(): Promise<void>;
  /**
   * Starts the next generation, then drains the current one: the prepared generation when there
   * is one (waiting for its preparation to end), otherwise one with freshly loaded code.
   */
  swap(): Promise<SwapOutcome>;
  /**
   * Creates the next generation's Worker with the code `load` gives, without polling, so that
   * the swap that follows only has to start it; replaces a generation prepared before. Resolves
   * once it is prepared (or could not be: then the swap loads the code itself). `logged`: more
   * figures for its log line.
   */
  prepare(
    load: () => Promise<Code>,
    logged?: Readonly<Record<string, number>>,
  ): Promise<PrepareOutcome>;
  /** Lets the prepared generation go without it ever polling; whether there was one. */
  discardPrepared(): Promise<boolean>;
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
): ReplaceableWorker<Code> {
  return new GenerationHost(options);
}

/** The generations of one Worker: the current one, and older ones still draining. */
class GenerationHost<Code> implements ReplaceableWorker<Code> {
  readonly name: string;
  readonly #options: ReplaceableWorkerOptions<Code>;
  readonly #generations = new Set<Running>();
  readonly #prepared: PreparedSlot<Code>;
  #current: Running | undefined;
  #stopping = false;
  #swapping: Promise<unknown> = Promise.resolve();
  readonly #finished: Promise<void>;
  #finish!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(options: ReplaceableWorkerOptions<Code>) {
    this.name = options.name;
    this.#options = options;
    this.#prepared = new PreparedSlot(options.preparedTtlMs ?? 60_000);
    this.#finished = new Promise<void>((resolve, reject) => {
      this.#finish = { resolve, reject };
    });
    this.#finished.catch(() => undefined); // observed through run()
  }

  async start(): Promise<void> {
    const created = await this.#create(this.#options.load(1), this.#options.connect());
    this.#current = this.#run(1, created);
    // A stop that came while it started (the Runtime's signal handlers never saw this Worker).
    if (this.#stopping) stopWorker(this.#current.worker);
  }

  swap(): Promise<SwapOutcome> {
    // One swap at a time: a request arriving meanwhile loads the code as it is after that one.
    const next = this.#swapping.then(() => this.#swapOnce());
    this.#swapping = next;
    return next;
  }

  async prepare(
    load: () => Promise<Code>,
    logged: Readonly<Record<string, number>> = {},
  ): Promise<PrepareOutcome> {
    if (this.#stopping) return { ok: false, error: 'the worker is stopping' };
    const started = performance.now();
    const preparing = this.#create(load(), this.#options.connect()).then(
      (created): Prepared<Code> => ({ ...created, ms: Math.round(performance.now() - started) }),
    );
    this.#prepared.fill(preparing);
    try {
      const { ms } = await preparing;
      this.#options.logger.info({ ms, ...logged }, `next ${this.name} worker prepared`);
      return { ok: true, ms };
    } catch (error) {
      // The swap then creates its Worker itself: slower, still correct; the reason is worth a line.
      this.#options.logger.warn(
        { err: describe(error) },
        `next ${this.name} worker not prepared; the swap will create it`,
      );
      return { ok: false, error: describe(error) };
    }
  }

  async discardPrepared(): Promise<boolean> {
    const discarded = await this.#prepared.discard();
    if (discarded)
      this.#options.logger.info(`prepared ${this.name} worker discarded; it never polled`);
    return discarded;
  }

  current(): WorkerGeneration | undefined {
    return this.#current;
  }

  run(): Promise<void> {
    return this.#finished;
  }

  shutdown(): void {
    this.#stopping = true;
    void this.#prepared.discard();
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
    void this.#prepared.discard();
    for (const other of this.#generations) stopWorker(other.worker);
    void Promise.allSettled([...this.#generations].map((g) => g.done)).then(() =>
      failure ? this.#finish.reject(failure) : this.#finish.resolve(),
    );
  }

  /**
   * The code and the connection, made side by side, then the Worker (not polling yet). A failure
   * closes the connection; a Worker created after the deadline is discarded.
   */
  async #create(
    loading: Promise<Code>,
    connecting: Promise<NativeConnection>,
  ): Promise<Omit<Prepared<Code>, 'ms'>> {
    let code: Code;
    try {
      code = await loading;
    } catch (error) {
      void connecting.then((c) => c.close()).catch(() => undefined);
      throw error;
    }
    const creating = (async () => {
      const connection = await connecting;
      try {
        return { worker: await this.#options.create(connection, code), connection, code };
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
    })();
    return withDeadline(creating, this.#options.swapTimeoutMs ?? 15_000, this.name);
  }

  /** Starts polling with a created Worker; its connection closes once it stopped. */
  #run(generation: number, created: Omit<Prepared<Code>, 'ms'>): Running {
    const { worker, connection } = created;
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

  async #swapOnce(): Promise<SwapOutcome> {
    const previous = this.#current;
    if (this.#stopping || !previous) return { ok: false, error: 'the worker is stopping' };
    const started = performance.now();
    const generation = previous.generation + 1;
    const prepared = await this.#prepared.take();
    let created: Omit<Prepared<Code>, 'ms'>;
    try {
      created =
        prepared ?? (await this.#create(this.#options.load(generation), this.#options.connect()));
    } catch (error) {
      const message = describe(error);
      this.#options.logger.warn(
        { generation, err: message },
        `new ${this.name} code not loaded; the running code keeps serving`,
      );
      return { ok: false, error: message };
    }
    if (this.#stopping) {
      await release({ ...created, ms: 0 });
      return { ok: false, error: 'the worker is stopping' };
    }
    this.#current = this.#run(generation, created);
    stopWorker(previous.worker);
    const ms = Math.round(performance.now() - started);
    this.#options.logger.info(
      {
        generation,
        ms,
        prepared: prepared !== undefined,
        ...(prepared ? { preparedMs: prepared.ms } : {}),
      },
      `${this.name} code reloaded; the previous ${this.name} worker drains`,
    );
    return { ok: true, generation, ms, prepared: prepared !== undefined };
  }
}

/** Worker.shutdown() throws unless the Worker is RUNNING; a Worker already stopping is fine. */
function stopWorker(worker: Worker): void {
  if (worker.getState() === 'RUNNING') worker.shutdown();
}

/** The created Worker, or a rejection after `ms`; one created later is discarded at once. */
function withDeadline<Code>(
  creating: Promise<Omit<Prepared<Code>, 'ms'>>,
  ms: number,
  name: string,
): Promise<Omit<Prepared<Code>, 'ms'>> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`no new ${name} worker within ${ms} ms (is Temporal reachable?)`));
    }, ms);
    creating.then(
      (created) => {
        clearTimeout(timer);
        if (late) void release({ ...created, ms: 0 });
        else resolve(created);
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
