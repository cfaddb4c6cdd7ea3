import {
  DataDirLockedError,
  type EventStore,
  openEventStore,
  openEventStoreWithSql,
  type RecordedEvent,
  SqlEventStore,
  Upcasters,
} from '@kring/event-store';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pgliteTarget } from '../support/targets';

/** Everything a store reads, by each read path: the whole log, its types filtered, and streams both ways in pages. */
async function everythingReadBy(store: EventStore, streams: readonly string[]): Promise<Record<string, RecordedEvent[]>> {
  const read = async (events: AsyncIterable<RecordedEvent>) => {
    const all: RecordedEvent[] = [];
    for await (const event of events) all.push(event);
    return all;
  };
  const reads: Record<string, RecordedEvent[]> = {
    all: await read(store.readAll({ batchSize: 3 })),
    typed: await read(store.readAll({ eventTypes: ['Noted'], batchSize: 2 })),
    after: await read(store.readAll({ after: 4n, maxCount: 5 })),
  };
  for (const stream of streams) {
    reads[`${stream} forwards`] = await read(store.readStream(stream, { fromRevision: 1n }));
    reads[`${stream} backwards`] = await read(store.readStream(stream, { direction: 'backwards', maxCount: 3 }));
  }
  return reads;
}

describe('embedded store [pglite]', () => {
  it('reads a batch as one JSON text and gives exactly the events row-by-row reading gives: texts, numbers, ids, times, upcasts', async () => {
    const fresh = await pgliteTarget.fresh('aggregated-reads');
    const { sql } = await openEventStoreWithSql(fresh.config);
    const upcasters = new Upcasters([{ type: 'Noted', fromVersion: 1, upcast: (data) => ({ ...data, upcast: true }) }]);
    // The same database read three ways: as one text per batch, row by row, and over a limit that sends every batch of several events row by row.
    const as = (aggregatedReadBytes: number) =>
      SqlEventStore.open(Object.create(sql, { aggregatedReadBytes: { value: aggregatedReadBytes } }), upcasters);
    const aggregated = await SqlEventStore.open(sql, upcasters);
    const streams = ['plain', 'with\ttab\nnewline "quotes" \\ and ümlauts 🎉'];
    try {
      expect(sql.aggregatedReadBytes).toBeGreaterThan(0);
      const texts = ['', 'tab\there', 'line\nbreak', 'quote " and \\ backslash', 'ünïcødé 🎉 \u2028', '{"not": "json"}'];
      for (const [i, text] of texts.entries())
        await aggregated.appendToStream(streams[i % 2], [
          {
            type: i % 3 === 0 ? 'Other' : 'Noted',
            version: 1 + (i % 2),
            data: { text, n: i, big: 2 ** 53 + 2, fraction: 0.1 + i, nested: { list: [null, true, [text]], empty: {} } },
            metadata: { actorId: `actor ${text}`, actorRoles: ['COACH'] },
          },
        ]);
      const expected = await everythingReadBy(await as(0), streams);
      expect(expected.all).toHaveLength(texts.length);
      expect(expected.all.some((event) => event.data.upcast === true)).toBe(true);
      expect(await everythingReadBy(aggregated, streams)).toEqual(expected);
      expect(await everythingReadBy(await as(600), streams)).toEqual(expected);
    } finally {
      await sql.close();
      await fresh.dispose();
    }
  });

  it('refuses to open a data directory that another store holds, and opens it once that one is closed', async () => {
    const fresh = await pgliteTarget.fresh('second-opener');
    try {
      const first = await openEventStore(fresh.config);
      await first.appendToStream('s', [{ type: 'Kept', data: {} }]);
      await expect(openEventStore(fresh.config)).rejects.toThrow(DataDirLockedError);
      await first.close();
      const second = await openEventStore(fresh.config);
      expect(await second.headPosition()).toBe(1n);
      await second.close();
    } finally {
      await fresh.dispose();
    }
  });

  it('leaves the event loop a turn every few ms while statements run back to back (a rebuild does not stop requests)', async () => {
    const fresh = await pgliteTarget.fresh('turns');
    const { store, sql } = await openEventStoreWithSql(fresh.config);
    try {
      await store.appendToStream('s', [{ type: 'Kept', data: {} }]);
      const started = performance.now();
      const gaps: number[] = [];
      let last = started;
      const timer = setInterval(() => {
        gaps.push(performance.now() - last);
        last = performance.now();
      }, 1);
      // Each statement resolves without I/O: before turns were taken, the timer never fired during such a chain.
      while (performance.now() - started < 300) await sql.query('SELECT position, data FROM kring_events');
      clearInterval(timer);
      expect(gaps.length).toBeGreaterThan(5);
      expect(Math.max(...gaps)).toBeLessThan(100);
    } finally {
      await store.close();
      await fresh.dispose();
    }
  });

  it("loads no other adapter's client library: an embedded start stays lean", async () => {
    const fresh = await pgliteTarget.fresh('lean-open');
    // A process of its own: Jest's module registry would not show what Node itself loaded.
    const script = `
      const { openEventStore } = require(${JSON.stringify(join(__dirname, '../../libs/event-store/src'))});
      openEventStore({ adapter: 'pglite', dataDir: process.argv[1] }).then(async (store) => {
        await store.close();
        const clients = Object.keys(require.cache).map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]);
        console.log(JSON.stringify([...new Set(clients.filter((name) => /^(pg|@electric-sql\\/pglite|@eventstore\\/.*|@grpc\\/.*)$/.test(name ?? '')))]));
      });`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script, fresh.env.KRING_DATA_DIR]);
      expect(JSON.parse(stdout)).toEqual(['@electric-sql/pglite']);
    } finally {
      await fresh.dispose();
    }
  });
});
