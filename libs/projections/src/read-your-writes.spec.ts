import type { SqlDriver } from '@kring/event-store';
import { Generation, GenerationTable, statusPayload } from './generations';
import { ActiveCheckpoints } from './read-your-writes';

describe('ActiveCheckpoints', () => {
  const generation: Generation = { name: 'ticks', generation: 1, version: 1, checkpoint: 5n, state: 'active' };
  // Announcing and hearing only: nothing here reaches the database.
  const table = new GenerationTable({} as SqlDriver, () => undefined);

  it("takes another process's commit for news from elsewhere, and its own, heard back, for none", () => {
    const moved: Array<[string, bigint, bigint]> = [];
    const checkpoints = new ActiveCheckpoints(table, new Set(['ticks']), (...change) => moved.push(change));
    checkpoints.advanced({ ...generation });

    // Its own commit, heard back before the commit settled here: the lane reports it itself.
    checkpoints.heard(statusPayload({ ...generation, checkpoint: 7n }, table.origin));
    expect(checkpoints.checkpoint('ticks')).toBe(5n);
    expect(moved).toEqual([]);

    checkpoints.heard(statusPayload({ ...generation, checkpoint: 9n }, 'another process'));
    expect(checkpoints.checkpoint('ticks')).toBe(9n);
    expect(moved).toEqual([['ticks', 5n, 9n]]);
  });
});
