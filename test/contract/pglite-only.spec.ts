import { DataDirLockedError, openEventStore, openEventStoreWithSql } from '@kring/event-store';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pgliteTarget } from '../support/targets';

describe('embedded store [pglite]', () => {
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
