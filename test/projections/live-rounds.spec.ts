import type { ProjectionDefinition } from '@kring/domain';
import { EventStore, openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { ProjectionEngine, ProjectionEngineOptions } from '@kring/projections';
import { eventually } from '../support/eventually';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

/** The smallest read model: how many ticks were appended. */
const ticks: ProjectionDefinition = {
  name: 'ticks',
  version: 1,
  events: { Ticked: { version: 1, data: {} } },
  collections: [
    {
      name: 'counts',
      columns: {},
      keys: () => ['all'],
      evolve: (doc: { count: number } | undefined) => ({ count: (doc?.count ?? 0) + 1 }),
    },
  ],
};

/** Ticks that cost their projection a fixed time each, as a dear round does. */
function slowTicks(msPerTick: number): ProjectionDefinition {
  const [counts] = ticks.collections;
  return {
    ...ticks,
    name: 'slow_ticks',
    events: { SlowTicked: { version: 1, data: {} } },
    collections: [
      {
        ...counts,
        evolve: (doc, event, key, index) => {
          const until = performance.now() + msPerTick;
          while (performance.now() < until);
          return counts.evolve(doc, event, key, index);
        },
      },
    ],
  };
}

function liveRounds(target: StoreTarget): void {
  describeOn(target, 'Following a busy log', () => {
    let fresh: FreshStore;
    let store: EventStore;
    let sql: SqlDriver;

    beforeAll(async () => {
      fresh = await target.fresh('live-rounds');
      ({ store, sql } = await openEventStoreWithSql(fresh.config));
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.dispose();
    });

    /**
     * One append, projected in a round of its own; then five, made while the lane waits before its next
     * round, projected together. `then` runs while the engine still does.
     */
    const oneRoundThenOneForFive = async (
      projection: ProjectionDefinition,
      type: string,
      settings: ProjectionEngineOptions,
      then: (engine: ProjectionEngine) => Promise<void> = async () => undefined,
    ) => {
      const batches: number[] = [];
      const engine = new ProjectionEngine(store, sql, [projection], { ...settings, onBatch: ({ events }) => batches.push(events) });
      const names = [projection.name];
      await engine.start();
      try {
        await engine.waitFor(names, 0n, 5000);
        const append = async () => (await store.appendToStream(`${projection.name}-stream`, [{ type, data: {} }])).position;
        await engine.waitFor(names, await append(), 5000);
        let last = 0n;
        for (let n = 0; n < 5; n++) last = await append();
        await engine.waitFor(names, last, 10_000);
        // The commit heard back through NOTIFY can wake waitFor just before onBatch runs.
        await eventually('every append was in a batch', () => batches.reduce((a, b) => a + b, 0) === 6);
        expect(batches.filter((events) => events > 0)).toEqual([1, 5]);
        await then(engine);
      } finally {
        await engine.stop();
      }
    };

    it('a lane takes every append made within its round interval into one round, and still shows each one', async () => {
      // Long beside the five appends (a few milliseconds each), so that they fall within one interval.
      await oneRoundThenOneForFive(ticks, 'Ticked', { roundIntervalMs: 1000 }, async (engine) => {
        const [{ doc }] = await sql.query<{ doc: { count: number } }>(`SELECT doc FROM ${engine.activeSchema('ticks')}.counts`);
        expect(doc.count).toBe(6);
      });
    });

    it('after a dear round a lane waits in proportion to it, so that its rounds take at most their share of the time', async () => {
      // A round of one tick takes at least 50 ms; with a share of 1/10 the next starts 500 ms or more after it,
      // although the round interval alone would let it start after 1 ms.
      await oneRoundThenOneForFive(slowTicks(50), 'SlowTicked', { roundIntervalMs: 1, roundShare: 0.1, longestRoundIntervalMs: 60_000 });
    });

    it('a process does not take its own commits, heard back through NOTIFY, for news from elsewhere: its listeners get each event once', async () => {
      const heard: bigint[] = [];
      const engine = new ProjectionEngine(store, sql, [{ ...ticks, name: 'heard_ticks' }]);
      engine.onProjected((_, events) => heard.push(...events.map((event) => event.position)));
      await engine.start();
      try {
        await engine.waitFor(['heard_ticks'], await store.headPosition(), 10_000);
        heard.length = 0;
        const appended: bigint[] = [];
        for (let n = 0; n < 10; n++) {
          const { position } = await store.appendToStream('heard-ticker', [{ type: 'Ticked', data: {} }]);
          appended.push(position);
          await engine.waitFor(['heard_ticks'], position, 5000);
        }
        // Each commit's listeners have run once waitFor answered. Mistaken for another's, the NOTIFY of a commit
        // came back meanwhile and its events were read again and heard twice (read-your-writes.spec.ts checks
        // the rule itself, without timing).
        expect(heard).toEqual(appended);
      } finally {
        await engine.stop();
      }
    });

    it('however dear its rounds, a lane shows an append within the longest round interval', async () => {
      // A share of 1/1000 would wait 20 s after a round of 20 ms; the longest interval cuts that to 200 ms.
      const engine = new ProjectionEngine(store, sql, [{ ...slowTicks(20), name: 'capped_ticks' }], {
        roundIntervalMs: 1,
        roundShare: 0.001,
        longestRoundIntervalMs: 200,
      });
      await engine.start();
      try {
        await engine.waitFor(['capped_ticks'], await store.headPosition(), 10_000);
        const append = async () => (await store.appendToStream('capped-ticker', [{ type: 'SlowTicked', data: {} }])).position;
        await engine.waitFor(['capped_ticks'], await append(), 5000);
        const started = performance.now();
        await engine.waitFor(['capped_ticks'], await append(), 5000);
        expect(performance.now() - started).toBeLessThan(2000);
      } finally {
        await engine.stop();
      }
    });

    /**
     * Rounds of 20 ms and more: one round of an append, five appends nobody waits for (one round takes
     * them all in, more than 1 s later), then one append a read waits for, visible within `waitedMs`.
     */
    const unwaitedThenWaited = async (name: string, settings: ProjectionEngineOptions, waitedMs: number) => {
      const batches: Array<{ events: number; at: number }> = [];
      const engine = new ProjectionEngine(store, sql, [{ ...slowTicks(20), name }], {
        roundIntervalMs: 1,
        ...settings,
        onBatch: ({ events }) => batches.push({ events, at: performance.now() }),
      });
      const committed = () => batches.filter((batch) => batch.events > 0).map((batch) => batch.events);
      await engine.start();
      try {
        await engine.waitFor([name], await store.headPosition(), 10_000);
        batches.length = 0;
        const append = async () => (await store.appendToStream(`${name}-ticker`, [{ type: 'SlowTicked', data: {} }])).position;
        await engine.waitFor([name], await append(), 5000);
        // The commit heard back through NOTIFY can wake waitFor just before onBatch runs.
        await eventually('the first round was heard', () => committed().length === 1);
        const appended = performance.now();
        for (let n = 0; n < 5; n++) await append();
        await eventually('the five appends were committed', () => committed().length >= 2, 15_000);
        expect(committed()).toEqual([1, 5]);
        expect(batches[batches.length - 1].at - appended).toBeGreaterThan(1000);
        const started = performance.now();
        await engine.waitFor([name], await append(), 5000);
        expect(performance.now() - started).toBeLessThan(waitedMs);
        await eventually('the last round was heard', () => committed().length === 3);
        expect(committed()).toEqual([1, 5, 1]);
      } finally {
        await engine.stop();
      }
    };

    it('while no read waits, a lane gathers appends for longer; a read that starts waiting cuts the gathering short', () =>
      // Nobody waiting, the next round starts 2 s or more after one (10 s after a round of five); somebody waiting, at once.
      unwaitedThenWaited(
        'unwaited_ticks',
        { roundShare: 1, unwaitedRoundShare: 0.01, longestRoundIntervalMs: 60_000, longestUnwaitedRoundIntervalMs: 60_000 },
        2000,
      ));

    it('while no read waits, a lane gathers appends up to a bound of its own, beyond the one a waiting read gets', () =>
      // Shares of 1/1000: nobody waiting, the next round starts 1.5 s after one (its own bound), not 50 ms
      // after (the bound while a read waits); somebody waiting, within 50 ms of the round before.
      unwaitedThenWaited(
        'long_unwaited_ticks',
        { roundShare: 0.001, unwaitedRoundShare: 0.001, longestRoundIntervalMs: 50, longestUnwaitedRoundIntervalMs: 1500 },
        1000,
      ));
  });
}

liveRounds(pgliteTarget);
liveRounds(postgresTarget);
