/**
 * A Worker that can be let go without ever running. A workflow swap prepares the next generation
 * while the determinism guard still replays (replaceable-worker.ts): Worker.create compiles the
 * bundle in a fresh thread, the slow part of a swap. When the guard refuses, that Worker must go
 * without taking a task: run() then shutdown() would start its pollers, and a task they took would
 * run the refused code. The SDK has no public call for it; the members it needs are protected,
 * hence the subclass.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { extractReferenceHolders } from '@temporalio/worker/lib/connection.js';

export class DiscardableWorker extends Worker {
  /** Worker.create, typed as what it builds (`new this(…)`: an instance of this class). */
  static async createDiscardable(options: WorkerOptions): Promise<DiscardableWorker> {
    const worker = await DiscardableWorker.create(options);
    if (!(worker instanceof DiscardableWorker))
      throw new Error('Worker.create did not build a DiscardableWorker');
    return worker;
  }

  /**
   * Releases a Worker that never ran: Core forgets it, its workflow thread ends and its
   * connection may close. What run() does when a running Worker shuts down, in order: shutdown
   * first, then each poller it has is polled until Core answers that it shut down (Core finishes
   * a shutdown only once its pollers saw it; a poll after the shutdown gets no task), then Core
   * lets it go.
   */
  async discard(): Promise<void> {
    if (this.getState() !== 'INITIALIZED')
      throw new Error(`only a Worker that never ran can be discarded (it is ${this.getState()})`);
    this.nativeWorker.initiateShutdown();
    const polls = [
      ...(this.workflowCreator ? [() => this.nativeWorker.pollWorkflowActivation()] : []),
      ...(this.options.activities.size > 0 ? [() => this.nativeWorker.pollActivityTask()] : []),
      ...(this.options.nexusServiceHandlers ? [() => this.nativeWorker.pollNexusTask()] : []),
    ];
    const answers = await Promise.allSettled(polls.map((poll) => poll()));
    await this.nativeWorker.finalizeShutdown();
    if (this._connection) extractReferenceHolders(this._connection).delete(this.nativeWorker);
    await this.workflowCreator?.destroy();
    if (answers.some((a) => a.status === 'fulfilled'))
      throw new Error('a Worker polled after its shutdown got a task (it was not run)');
  }
}
