import type { EventStore } from './event-store';
import { SqlEventStore } from './sql/sql-event-store';
import type { SqlDriver } from './sql/sql-driver';
import { EventStoreConfig, readModelsOf, SqlConfig } from './store-config';
import { Upcasters } from './upcasting';

/*
 * Each adapter's client library is loaded only when that adapter is opened: EventStoreDB's client
 * alone (gRPC, protobuf, OpenTelemetry) is over 200 modules that an embedded start would load for nothing.
 */
export async function openSqlDriver(config: SqlConfig): Promise<SqlDriver> {
  if (config.adapter === 'pglite') return (await import('./pglite/pglite-driver')).PgliteDriver.open(config.dataDir);
  const { PostgresDriver } = await import('./postgres/postgres-driver');
  return new PostgresDriver({ connectionString: config.connectionString, poolSize: config.poolSize });
}

export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  const upcasters = new Upcasters(config.upcasters);
  if (config.adapter === 'eventstoredb') {
    const { EventStoreDbEventStore } = await import('./esdb/esdb-event-store');
    return EventStoreDbEventStore.open(config.connectionString, upcasters);
  }
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
  const sql = await opening(openSqlDriver(readModelsOf(config)), store);
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
