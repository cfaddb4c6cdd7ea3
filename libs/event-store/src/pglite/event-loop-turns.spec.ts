import { EventLoopTurns } from './event-loop-turns';

/** A statement as PGlite runs one: `ms` of work in this thread, then a promise resolved without any I/O. */
const statement = (ms: number, done?: () => void) => async (): Promise<void> => {
  const until = performance.now() + ms;
  while (performance.now() < until);
  done?.();
};

/**
 * Runs statements back to back for `ms`, counting the event loop's turns meanwhile (a setImmediate that
 * re-arms itself), and the longest time between two of them.
 */
async function loopTurnsDuring(
  run: (work: () => Promise<void>) => Promise<void>,
  ms: number,
): Promise<{ turns: number; longestGapMs: number }> {
  const started = performance.now();
  let turns = 0;
  let last = started;
  let longestGapMs = 0;
  let counting = true;
  const turned = () => {
    if (!counting) return;
    turns++;
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    last = performance.now();
    setImmediate(turned);
  };
  setImmediate(turned);
  while (performance.now() - started < ms) await run(statement(1));
  counting = false;
  return { turns, longestGapMs: Math.max(longestGapMs, performance.now() - last) };
}

describe('statements on the embedded database take turns with the event loop', () => {
  it('Given statements that never do I/O, When they run back to back for 100 ms, Then the loop turns every few ms', async () => {
    // Without turns the chain starves the loop: the premise of the class, checked here so the test below can fail.
    expect(await loopTurnsDuring((work) => work(), 100)).toEqual({ turns: 0, longestGapMs: expect.any(Number) });
    const turns = new EventLoopTurns(5);
    const seen = await loopTurnsDuring((work) => turns.take(work), 100);
    // A turn after every 5 ms of 1 ms statements: about 16 in 100 ms.
    expect(seen.turns).toBeGreaterThanOrEqual(8);
    expect(seen.longestGapMs).toBeLessThan(50);
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
