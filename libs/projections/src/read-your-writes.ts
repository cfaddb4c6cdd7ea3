/**
 * Read-your-writes: which generation of each projection queries read, how far it has applied the log
 * (learnt from this process's commits and, through NOTIFY, from every other process's), and waits for a
 * position that wake on each commit instead of polling.
 */
import { StaleReadModelError } from './errors';
import { Generation, GenerationTable, parseStatus, schemaOf } from './generations';

export class ActiveCheckpoints {
  private readonly active = new Map<string, Generation>();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly generations: GenerationTable,
    /** The projections this process serves: news of any other is ignored. */
    private readonly names: ReadonlySet<string>,
    /** A checkpoint moved on by another process's commit, from `from` to `to` (-1n: nothing was known before). */
    private readonly movedElsewhere: (name: string, from: bigint, to: bigint) => void = () => undefined,
    /** Somebody here waits for these projections to pass a position they have not reached: their lanes should not dawdle. */
    private readonly awaited: (names: readonly string[]) => void = () => undefined,
  ) {}

  /** The active generation as this process knows it: the very object its lane advances, when this process projects it. */
  generationOf(name: string): Generation | undefined {
    return this.active.get(name);
  }

  /** Schema of the generation queries should read, or undefined while the first build runs. */
  schemaOf(name: string): string | undefined {
    const generation = this.active.get(name);
    return generation && schemaOf(name, generation.generation);
  }

  checkpoint(name: string): bigint {
    return this.active.get(name)?.checkpoint ?? -1n;
  }

  /** This process committed or activated the generation. */
  advanced(generation: Generation): void {
    this.active.set(generation.name, generation);
    this.notify();
  }

  /** Resolves once every named projection has processed `position`; woken by commits, here or elsewhere. */
  async waitFor(names: readonly string[], position: bigint, timeoutMs: number): Promise<void> {
    const reached = () => names.every((name) => this.checkpoint(name) >= position);
    const deadline = Date.now() + timeoutMs;
    while (!reached()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.closed) throw new StaleReadModelError(names, position);
      this.awaited(names.filter((name) => this.checkpoint(name) < position));
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  /** Reads every active generation from the table: at start, and when the listening connection was re-established. */
  async refresh(): Promise<void> {
    for (const row of await this.generations.active()) if (this.names.has(row.name)) this.active.set(row.name, row);
    this.notify();
  }

  /** A NOTIFY on the status channel: some process committed a batch or switched generations. */
  heard(payload: string): void {
    if (payload === '') {
      // The listening connection was re-established: anything may have happened meanwhile.
      void this.refresh().catch(() => undefined);
      return;
    }
    const { origin, status } = parseStatus(payload);
    // This process's own commit or switch: it has told itself already, or is about to.
    if (origin === this.generations.origin) return;
    if (status.state !== 'active' || !this.names.has(status.name)) return;
    const known = this.active.get(status.name);
    if (known && known.generation === status.generation && known.checkpoint >= status.checkpoint) return;
    if (known && known.generation > status.generation) return;
    this.active.set(status.name, status);
    this.notify();
    this.movedElsewhere(status.name, known?.checkpoint ?? -1n, status.checkpoint);
  }

  /** The engine stopped: every wait ends now, refused. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
