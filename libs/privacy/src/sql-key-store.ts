import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { migrate, Migration, SqlDriver } from '@kring/event-store';
import type { SubjectKeyStore } from './key-store';
import type { MasterKey } from './master-key';
import { newSubjectKey } from './sealing';

const CHANNEL = 'kring_subject_keys';
const CACHED_KEYS = 50_000;

/**
 * One row per data subject; `wrapped_key` is NULL once destroyed, and the row stays as a tombstone so a
 * forgotten subject never gets a fresh key that would make newly stored text about them readable.
 */
const KEY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'privacy/001-subject-keys',
    sql: `
CREATE TABLE kring_subject_keys (
  subject_id   text        PRIMARY KEY,
  wrapped_key  bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
-- Which master key wrapped the keys, so a start with another one is refused instead of failing on every read.
CREATE TABLE kring_key_store (
  singleton              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  master_key_fingerprint bytea   NOT NULL
);
`,
  },
];

export class WrongMasterKeyError extends Error {
  constructor(source: string) {
    super(`${source} is not the master key this store's personal data was sealed with; start with the original one`);
    this.name = 'WrongMasterKeyError';
  }
}

/**
 * Subject keys in a table of the database the log (or the read models) live in, wrapped by the master
 * key, cached in memory. A destroyed key is announced with NOTIFY, so every process drops its cached
 * copy; the table is then rewritten (VACUUM FULL), so no file of the table keeps the key's bytes.
 */
export class SqlKeyStore implements SubjectKeyStore {
  private readonly cache = new LRUCache<string, Buffer | false>({ max: CACHED_KEYS });
  /** Keys asked for in one tick are read (or created) with one statement. */
  private readonly loaders = {
    existing: new DataLoader<string, Buffer | null>((ids) => this.load(ids, false), { cache: false }),
    created: new DataLoader<string, Buffer | null>((ids) => this.load(ids, true), { cache: false }),
  };
  private stopListening?: () => Promise<void>;

  private constructor(
    private readonly sql: SqlDriver,
    private readonly master: MasterKey,
    /** True when this open created the store: whatever the log held before was stored without sealing. */
    readonly created: boolean,
  ) {}

  static async open(sql: SqlDriver, master: MasterKey): Promise<SqlKeyStore> {
    await migrate(sql, KEY_MIGRATIONS);
    const inserted = await sql.query<{ singleton: boolean }>(
      'INSERT INTO kring_key_store (master_key_fingerprint) VALUES ($1) ON CONFLICT (singleton) DO NOTHING RETURNING singleton',
      [master.fingerprint()],
    );
    const [{ master_key_fingerprint }] = await sql.query<{ master_key_fingerprint: Uint8Array }>(
      'SELECT master_key_fingerprint FROM kring_key_store',
    );
    if (!Buffer.from(master_key_fingerprint).equals(master.fingerprint())) throw new WrongMasterKeyError(master.source);
    const store = new SqlKeyStore(sql, master, inserted.length === 1);
    store.stopListening = await sql.listen(CHANNEL, (subjectId) => {
      // '' means the listening connection was re-established: a destruction may have been missed meanwhile.
      if (subjectId === '') store.cache.clear();
      else store.cache.set(subjectId, false);
    });
    return store;
  }

  async keys(subjectIds: readonly string[], { create }: { create: boolean }): Promise<Map<string, Buffer | null>> {
    const found = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const id of new Set(subjectIds)) {
      const cached = this.cache.get(id);
      if (cached === undefined) missing.push(id);
      else found.set(id, cached || null);
    }
    if (missing.length > 0) {
      const loaded = await (create ? this.loaders.created : this.loaders.existing).loadMany(missing);
      missing.forEach((id, i) => {
        const key = loaded[i];
        if (key instanceof Error) throw key;
        found.set(id, key);
      });
    }
    return found;
  }

  async destroy(subjectId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO kring_subject_keys (subject_id, wrapped_key, destroyed_at) VALUES ($1, NULL, now())
         ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = coalesce(kring_subject_keys.destroyed_at, now())`,
        [subjectId],
      );
      await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, subjectId]);
    });
    this.cache.set(subjectId, false);
    // The old row version still holds the wrapped key until the table is rewritten.
    await this.sql.exec('VACUUM (FULL) kring_subject_keys');
  }

  async close(): Promise<void> {
    await this.stopListening?.();
  }

  private async load(ids: readonly string[], create: boolean): Promise<Array<Buffer | null>> {
    if (create) {
      const wrapped = ids.map((id) => this.master.wrap(id, newSubjectKey()));
      await this.sql.query(
        `INSERT INTO kring_subject_keys (subject_id, wrapped_key)
         SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (subject_id) DO NOTHING`,
        [[...ids], wrapped],
      );
    }
    const rows = await this.sql.query<{ subject_id: string; wrapped_key: Uint8Array | null }>(
      'SELECT subject_id, wrapped_key FROM kring_subject_keys WHERE subject_id = ANY ($1::text[])',
      [[...ids]],
    );
    const byId = new Map(rows.map((row) => [row.subject_id, row.wrapped_key]));
    return ids.map((id) => {
      const wrapped = byId.get(id);
      if (wrapped === undefined) return null; // never had one, and none was asked for
      const key = wrapped === null ? null : this.master.unwrap(id, wrapped);
      this.cache.set(id, key ?? false);
      return key;
    });
  }
}
