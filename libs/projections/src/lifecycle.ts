/** The engine's background work: tasks it awaits on stop, timers it clears, pauses it cuts short. */
export class Lifecycle {
  stopped = false;
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly pauses = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly log: (message: string) => void) {}

  track(task: Promise<unknown>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Runs `work` after `ms` unless the engine stopped by then; a failure is logged. */
  later(ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) this.track(work().catch((error: Error) => this.log(`projection cleanup: ${error.message}`)));
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Sleeps `ms`, or until `interrupt` (or stop). */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.pauses.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pauses.add(wake);
    });
  }

  interrupt(): void {
    for (const wake of [...this.pauses]) wake();
  }

  /** From now on nothing new starts: pauses end, timers are cancelled. */
  halt(): void {
    this.stopped = true;
    this.interrupt();
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Resolves once every tracked task has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
  }
}
