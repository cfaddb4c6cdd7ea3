import { setTimeout as sleep } from 'node:timers/promises';
import type { ProjectionDefinition } from '@kring/domain';
import { EventStore, openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

/** The smallest read model: how many ticks were appended. */
const ticks: ProjectionDefinition = {
  name: 'ticks',
  version: 1,
  eventTypes: ['Ticked'],
  collections: [
    {
      name: 'counts',
      columns: {},
      keys: () => ['all'],
      evolve: (doc: { count: number } | undefined) => ({ count: (doc?.count ?? 0) + 1 }),
    },
  ],
};

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
      const engine = new ProjectionEngine(store, sql, [ticks], {
        roundIntervalMs: 400,
        onBatch: ({ events }) => batches.push(events),
      });
      await engine.start();
      try {
        await engine.waitFor(['ticks'], 0n, 5000);
        const append = async () => (await store.appendToStream('ticker', [{ type: 'Ticked', data: {} }])).position;
        // The first append after a quiet spell is projected at once...
        await sleep(500);
        const first = await append();
        const started = performance.now();
        await engine.waitFor(['ticks'], first, 5000);
        expect(performance.now() - started).toBeLessThan(300);
        // ...the next ones, made while the interval runs, wait for it and are projected together.
        let last = first;
        for (let n = 0; n < 5; n++) {
          last = await append();
          await sleep(10);
        }
        await engine.waitFor(['ticks'], last, 5000);
        // The commit heard back through NOTIFY can wake waitFor just before onBatch runs.
        for (let waited = 0; batches.reduce((a, b) => a + b, 0) < 6 && waited < 2000; waited += 20) await sleep(20);
        expect(batches.filter((events) => events > 0)).toEqual([1, 5]);
        const [{ doc }] = await sql.query<{ doc: { count: number } }>(`SELECT doc FROM ${engine.activeSchema('ticks')}.counts`);
        expect(doc.count).toBe(6);
      } finally {
        await engine.stop();
      }
    });
  });
}

liveRounds(pgliteTarget);
liveRounds(postgresTarget);
