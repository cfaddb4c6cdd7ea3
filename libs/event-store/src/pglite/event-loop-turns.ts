/**
 * PGlite runs each statement synchronously in this thread and resolves its promise without any I/O,
 * so a chain of awaited statements (a rebuild catching up, a replay) never gave the event loop a turn:
 * the API answered no request, not even /health, until the chain ended (a first start on a log of 1M
 * events: more than a minute). Statements pass through here. Once the database has held the thread
 * for a slice since the loop's last turn, the next ones wait for the loop to turn (setImmediate runs
 * after the I/O that is ready) and then run in the order they were called.
 */
export class EventLoopTurns {
  /** When the current slice started: the loop's last turn seen, or the first statement after a quiet spell. */
  private since = 0;
  /** A setImmediate is pending: it marks the loop's next turn. */
  private watching = false;
  /** Statements called after the slice ran out, in call order: they run at the next turn. */
  private held: Array<() => void> | undefined;

  constructor(private readonly sliceMs: number) {}

  /** Runs `statement` now, or at the event loop's next turn once the slice is used up; either way in call order. */
  take<T>(statement: () => Promise<T>): Promise<T> {
    if (!this.watching) this.watch();
    else if (this.held || performance.now() - this.since >= this.sliceMs)
      return new Promise<T>((resolve, reject) => (this.held ??= []).push(() => statement().then(resolve, reject)));
    return statement();
  }

  private watch(): void {
    this.watching = true;
    this.since = performance.now();
    setImmediate(this.turned);
  }

  private readonly turned = (): void => {
    this.watching = false;
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    this.watch();
    for (const run of held) run();
  };
}
