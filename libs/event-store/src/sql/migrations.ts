import type { SqlDriver } from './sql-driver';

export interface Migration {
  /** Unique and stable forever: `<owner>/<nnn>-<what>`, e.g. `event-store/001-log`. */
  id: string;
  sql: string;
}

/** Distinct advisory-lock keys (per database) so concurrent starts never race on DDL. */
const MIGRATION_LOCK = 0x6b72_696e_6701n;

/** Applies, in order and each once, the migrations not yet recorded in `kring_migrations`. */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[]): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS kring_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Set((await tx.query<{ id: string }>('SELECT id FROM kring_migrations')).map((row) => row.id));
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO kring_migrations (id) VALUES ($1)', [migration.id]);
    }
  });
}
