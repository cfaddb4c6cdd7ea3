import { resolve } from 'node:path';
import type { EventStore } from './event-store';
import { PgliteDriver } from './pglite/pglite-driver';
import { PostgresDriver } from './postgres/postgres-driver';
import { SqlEventStore } from './sql/sql-event-store';
import type { SqlDriver } from './sql/sql-driver';
import { Upcaster, Upcasters } from './upcasting';

export type EventStoreConfig =
  | { adapter: 'pglite'; dataDir: string; upcasters?: readonly Upcaster[] }
  | { adapter: 'postgres'; connectionString: string; poolSize?: number; upcasters?: readonly Upcaster[] };

/** KRING_DATABASE_URL names a PostgreSQL; without it, the embedded store lives in KRING_DATA_DIR (default ./data). */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EventStoreConfig {
  const url = env.KRING_DATABASE_URL?.trim();
  if (url) return { adapter: 'postgres', connectionString: url };
  return { adapter: 'pglite', dataDir: resolve(env.KRING_DATA_DIR?.trim() || './data') };
}

export function describeEventStoreConfig(config: EventStoreConfig): string {
  if (config.adapter === 'pglite') return `embedded PGlite in ${config.dataDir}`;
  const url = new URL(config.connectionString);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

export async function openSqlDriver(config: EventStoreConfig): Promise<SqlDriver> {
  return config.adapter === 'pglite'
    ? PgliteDriver.open(config.dataDir)
    : new PostgresDriver({ connectionString: config.connectionString, poolSize: config.poolSize });
}

export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  return (await openEventStoreWithSql(config)).store;
}

/**
 * The store and its database connection, for read models that live in the same database (PGlite
 * allows one opener per directory, so they must share it). Closing the store closes the connection.
 */
export async function openEventStoreWithSql(config: EventStoreConfig): Promise<{ store: EventStore; sql: SqlDriver }> {
  const sql = await openSqlDriver(config);
  try {
    return { store: await SqlEventStore.open(sql, new Upcasters(config.upcasters)), sql };
  } catch (error) {
    await sql.close();
    throw error;
  }
}
