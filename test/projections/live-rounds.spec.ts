import type { ProjectionDefinition } from '@kring/domain';
import { EventStore, openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
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

    it('a lane takes every append made within its round interval into one round, and still shows each one', async () => {
      const batches: number[] = [];
      // Long beside the five appends below (a few milliseconds each), so that they fall within one interval.
      const engine = new ProjectionEngine(store, sql, [ticks], {
        roundIntervalMs: 1000,
        onBatch: ({ events }) => batches.push(events),
      });
      await engine.start();
      try {
        await engine.waitFor(['ticks'], 0n, 5000);
        const append = async () => (await store.appendToStream('ticker', [{ type: 'Ticked', data: {} }])).position;
        // One append is projected in a round of its own...
        const first = await append();
        await engine.waitFor(['ticks'], first, 5000);
        // ...the next ones, made while that round's interval runs, are projected together.
        let last = first;
        for (let n = 0; n < 5; n++) last = await append();
        await engine.waitFor(['ticks'], last, 5000);
        // The commit heard back through NOTIFY can wake waitFor just before onBatch runs.
        await eventually('every tick was in a batch', () => batches.reduce((a, b) => a + b, 0) === 6);
        expect(batches.filter((events) => events > 0)).toEqual([1, 5]);
        const [{ doc }] = await sql.query<{ doc: { count: number } }>(`SELECT doc FROM ${engine.activeSchema('ticks')}.counts`);
        expect(doc.count).toBe(6);
      } finally {
        await engine.stop();
      }
    });

    it('after a dear round a lane waits in proportion to it, so that its rounds take at most their share of the time', async () => {
      const batches: number[] = [];
      // A round of one tick takes at least 50 ms; with a share of 1/10 the next starts 500 ms or more after it,
      // although the round interval alone would let it start after 1 ms.
      const engine = new ProjectionEngine(store, sql, [slowTicks(50)], {
        roundIntervalMs: 1,
        roundShare: 0.1,
        longestRoundIntervalMs: 60_000,
        onBatch: ({ events }) => batches.push(events),
      });
      await engine.start();
      try {
        await engine.waitFor(['slow_ticks'], 0n, 5000);
        const append = async () => (await store.appendToStream('slow-ticker', [{ type: 'SlowTicked', data: {} }])).position;
        const first = await append();
        await engine.waitFor(['slow_ticks'], first, 5000);
        let last = first;
        for (let n = 0; n < 5; n++) last = await append();
        await engine.waitFor(['slow_ticks'], last, 10_000);
        await eventually('every slow tick was in a batch', () => batches.reduce((a, b) => a + b, 0) === 6);
        expect(batches.filter((events) => events > 0)).toEqual([1, 5]);
      } finally {
        await engine.stop();
      }
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
        // Time for a status NOTIFY of this process's own commit to come back and be mistaken for another's.
        await new Promise((resolve) => setTimeout(resolve, 300));
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
  });
}

liveRounds(pgliteTarget);
liveRounds(postgresTarget);
