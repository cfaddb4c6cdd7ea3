import { resolve } from 'node:path';
import type { EventStore } from './event-store';
import { EventStoreDbEventStore } from './esdb/esdb-event-store';
import { esdbHostsOf } from './esdb/esdb-mapping';
import { PgliteDriver } from './pglite/pglite-driver';
import { PostgresDriver } from './postgres/postgres-driver';
import { SqlEventStore } from './sql/sql-event-store';
import type { SqlDriver } from './sql/sql-driver';
import { Upcaster, Upcasters } from './upcasting';

/** A database for the read models (and, on the SQL stores, the log itself). */
export type SqlConfig = { adapter: 'pglite'; dataDir: string } | { adapter: 'postgres'; connectionString: string; poolSize?: number };

export type EventStoreConfig = (
  | { adapter: 'pglite'; dataDir: string }
  | { adapter: 'postgres'; connectionString: string; poolSize?: number; readModels?: SqlConfig }
  | { adapter: 'eventstoredb'; connectionString: string; readModels: SqlConfig }
) & { upcasters?: readonly Upcaster[] };

/**
 * The log: KRING_EVENT_STORE (esdb://… for EventStoreDB, postgres://… for PostgreSQL), else
 * KRING_DATABASE_URL, else the embedded store in KRING_DATA_DIR (default ./data). The read models:
 * KRING_DATABASE_URL when set, else beside an SQL log, else (beside EventStoreDB) the embedded database.
 */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EventStoreConfig {
  const log = env.KRING_EVENT_STORE?.trim();
  const database = env.KRING_DATABASE_URL?.trim();
  const dataDir = resolve(env.KRING_DATA_DIR?.trim() || './data');
  const readModels: SqlConfig = database ? { adapter: 'postgres', connectionString: database } : { adapter: 'pglite', dataDir };
  if (log && esdbHostsOf(log)) return { adapter: 'eventstoredb', connectionString: log, readModels };
  if (log) return { adapter: 'postgres', connectionString: log, ...(database && database !== log ? { readModels } : {}) };
  if (database) return { adapter: 'postgres', connectionString: database };
  return { adapter: 'pglite', dataDir };
}

function describeSql(config: SqlConfig): string {
  if (config.adapter === 'pglite') return `embedded PGlite in ${config.dataDir}`;
  const url = new URL(config.connectionString);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

export function describeEventStoreConfig(config: EventStoreConfig): string {
  if (config.adapter === 'pglite') return describeSql(config);
  if (config.adapter === 'postgres')
    return describeSql(config) + (config.readModels ? `; read models: ${describeSql(config.readModels)}` : '');
  return `EventStoreDB at ${esdbHostsOf(config.connectionString)}; read models: ${describeSql(config.readModels)}`;
}

export async function openSqlDriver(config: SqlConfig): Promise<SqlDriver> {
  return config.adapter === 'pglite'
    ? PgliteDriver.open(config.dataDir)
    : new PostgresDriver({ connectionString: config.connectionString, poolSize: config.poolSize });
}

export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  const upcasters = new Upcasters(config.upcasters);
  if (config.adapter === 'eventstoredb') return EventStoreDbEventStore.open(config.connectionString, upcasters);
  const sql = await openSqlDriver(config);
  return opening(SqlEventStore.open(sql, upcasters), sql);
}

/**
 * The store and the database of the read models (PGlite allows one opener per directory, so an
 * embedded log shares it; so does a PostgreSQL log without a database of its own for them).
 * Closing the store closes that database too.
 */
export async function openEventStoreWithSql(config: EventStoreConfig): Promise<{ store: EventStore; sql: SqlDriver }> {
  if (config.adapter === 'pglite' || (config.adapter === 'postgres' && !config.readModels)) {
    const sql = await openSqlDriver(config);
    return { store: await opening(SqlEventStore.open(sql, new Upcasters(config.upcasters)), sql), sql };
  }
  const store = await openEventStore(config);
  const sql = await opening(openSqlDriver(config.readModels!), store);
  return { store: closingAlso(store, sql), sql };
}

/** What `opening` resolves to, or, if it fails, `opened` closed and the failure rethrown. */
async function opening<T>(opening: Promise<T>, opened: { close(): Promise<void> }): Promise<T> {
  try {
    return await opening;
  } catch (error) {
    await opened.close();
    throw error;
  }
}

function closingAlso(store: EventStore, other: { close(): Promise<void> }): EventStore {
  const closeStore = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      try {
        await closeStore();
      } finally {
        await other.close();
      }
    },
  });
}
