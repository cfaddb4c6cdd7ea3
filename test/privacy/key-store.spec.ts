import { openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { MasterKey, SqlKeyStore, WrongMasterKeyError } from '@kring/privacy';
import { eventually } from '../support/eventually';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

const master = new MasterKey('the master key of this key-store test, 32+ characters', 'test');

function keyStoreSuite(target: StoreTarget): void {
  describeOn(target, 'Subject keys in SQL (crypto-shredding)', () => {
    let fresh: FreshStore;
    let sql: SqlDriver;
    let close: () => Promise<void>;
    let keys: SqlKeyStore;

    beforeAll(async () => {
      fresh = await target.fresh('keys');
      const opened = await openEventStoreWithSql(fresh.config);
      sql = opened.sql;
      close = () => opened.store.close();
      keys = await SqlKeyStore.open(sql, master);
    });
    afterAll(async () => {
      await keys?.close();
      await close?.();
      await fresh?.dispose();
    });

    it('knows whether it was just created, and refuses a start with another master key', async () => {
      expect(keys.created).toBe(true);
      const again = await SqlKeyStore.open(sql, master);
      expect(again.created).toBe(false);
      await again.close();
      await expect(
        SqlKeyStore.open(sql, new MasterKey('not the master key these keys were wrapped with', 'KRING_MASTER_KEY')),
      ).rejects.toThrow(WrongMasterKeyError);
    });

    it('creates one key per subject on first use, the same for every opener, and answers null for a subject without one', async () => {
      const created = await keys.keys(['a', 'b', 'a'], { create: true });
      expect([...created.keys()]).toEqual(['a', 'b']);
      expect(created.get('a')).toHaveLength(32);
      expect(created.get('a')).not.toEqual(created.get('b'));
      const other = await SqlKeyStore.open(sql, master);
      try {
        expect((await other.keys(['a'], { create: false })).get('a')).toEqual(created.get('a'));
        expect((await other.keys(['nobody'], { create: false })).get('nobody')).toBeNull();
      } finally {
        await other.close();
      }
      // Stored wrapped: the key's bytes are not in the table.
      const [row] = await sql.query<{ wrapped_key: Uint8Array }>(`SELECT wrapped_key FROM kring_subject_keys WHERE subject_id = 'a'`);
      expect(Buffer.from(row.wrapped_key).includes(created.get('a')!)).toBe(false);
    });

    it('destroys a key for good: gone for every opener (told by NOTIFY), never created again, and the table rewritten', async () => {
      const other = await SqlKeyStore.open(sql, master);
      try {
        await keys.keys(['c'], { create: true });
        expect((await other.keys(['c'], { create: false })).get('c')).not.toBeNull(); // now cached there
        const [before] = await sql.query<{ node: number }>(`SELECT pg_relation_filenode('kring_subject_keys') AS node`);
        await keys.destroy('c');
        expect((await keys.keys(['c'], { create: true })).get('c')).toBeNull();
        await eventually(
          'the other process no longer finds the key',
          async () => (await other.keys(['c'], { create: false })).get('c') === null,
          5000,
        );
        const [row] = await sql.query<{ wrapped_key: unknown; destroyed_at: unknown }>(
          `SELECT wrapped_key, destroyed_at FROM kring_subject_keys WHERE subject_id = 'c'`,
        );
        expect(row).toEqual({ wrapped_key: null, destroyed_at: expect.any(Date) });
        // VACUUM FULL wrote the table anew: no file of it holds the old row version with the key.
        const [after] = await sql.query<{ node: number }>(`SELECT pg_relation_filenode('kring_subject_keys') AS node`);
        expect(after.node).not.toBe(before.node);
        await keys.destroy('never-had-one');
        expect((await keys.keys(['never-had-one'], { create: true })).get('never-had-one')).toBeNull();
      } finally {
        await other.close();
      }
    });
  });
}

keyStoreSuite(pgliteTarget);
keyStoreSuite(postgresTarget);
