import { EventLoopTurns } from './event-loop-turns';

/** A statement as PGlite runs one: `ms` of work in this thread, then a promise resolved without any I/O. */
const statement = (ms: number, done?: () => void) => async (): Promise<void> => {
  const until = performance.now() + ms;
  while (performance.now() < until);
  done?.();
};

/** Runs statements back to back for `ms` and answers when a timer set at the start fired (undefined: not during the chain). */
async function timerDuringChain(run: (work: () => Promise<void>) => Promise<void>, ms: number): Promise<number | undefined> {
  const started = performance.now();
  let fired: number | undefined;
  setTimeout(() => (fired = performance.now() - started), 0);
  while (performance.now() - started < ms) await run(statement(1));
  return fired;
}

describe('statements on the embedded database take turns with the event loop', () => {
  it('Given statements that never do I/O, When they run back to back, Then a timer still fires every few ms', async () => {
    // Without turns the chain starves the loop: the premise of the class, checked here so the test below can fail.
    expect(await timerDuringChain((work) => work(), 100)).toBeUndefined();
    const turns = new EventLoopTurns(5);
    const fired = await timerDuringChain((work) => turns.take(work), 100);
    expect(fired).toBeDefined();
    expect(fired!).toBeLessThan(50);
  });

  it('runs statements held for a turn in the order they were called, and those after it after them', async () => {
    const turns = new EventLoopTurns(5);
    const order: number[] = [];
    await turns.take(statement(6));
    // The slice is used up: these wait for the loop's turn, and keep their order.
    const held = [1, 2, 3].map((n) => turns.take(statement(0, () => order.push(n))));
    expect(order).toEqual([]);
    await Promise.all(held);
    await turns.take(statement(0, () => order.push(4)));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it("passes a held statement's failure to its caller", async () => {
    const turns = new EventLoopTurns(5);
    await turns.take(statement(6));
    await expect(turns.take(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});
