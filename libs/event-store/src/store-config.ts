/**
 * Which log and which read-model database the environment names, and how to say so: no driver is
 * loaded here, so the settings check (apps/api/src/settings.ts) can use it before anything opens.
 */
import { resolve } from 'node:path';
import { esdbHostsOf } from './esdb/esdb-mapping';
import type { Upcaster } from './upcasting';

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

/** Where the read models live: beside an SQL log unless named apart. */
export function readModelsOf(config: EventStoreConfig): SqlConfig {
  if (config.adapter === 'pglite') return { adapter: 'pglite', dataDir: config.dataDir };
  if (config.adapter === 'postgres')
    return config.readModels ?? { adapter: 'postgres', connectionString: config.connectionString, poolSize: config.poolSize };
  return config.readModels;
}

export function describeEventStoreConfig(config: EventStoreConfig): string {
  if (config.adapter === 'pglite') return describeSql(config);
  if (config.adapter === 'postgres')
    return describeSql(config) + (config.readModels ? `; read models: ${describeSql(config.readModels)}` : '');
  return `EventStoreDB at ${esdbHostsOf(config.connectionString)}; read models: ${describeSql(config.readModels)}`;
}
