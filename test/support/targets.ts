import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventStoreConfig, NewEvent } from '@kring/event-store';
import { testDataRoot } from './data-root';
import { createScratchDatabase, POSTGRES_SKIP_REASON } from './postgres';

/** One empty store of one adapter: its configuration, the same as environment variables, and its removal. */
export interface FreshStore {
  config: EventStoreConfig;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface StoreTarget {
  adapter: 'pglite' | 'postgres' | 'eventstoredb';
  /** Positions count events one by one (the SQL stores); EventStoreDB's are offsets in its transaction file. */
  gapFreePositions: boolean;
  /** An event the adapter's storage refuses after the events before it in the same append were accepted. */
  refusedEvent(): NewEvent;
  /** Why this adapter cannot run here (only ever set outside CI). */
  skipReason?: string;
  /** @param fromScratch an embedded store initialises its directory itself, instead of starting from a copy of one initialised at the start of the run */
  fresh(label: string, options?: { fromScratch?: boolean }): Promise<FreshStore>;
}

/** PostgreSQL's jsonb (in both SQL stores) refuses \u0000. */
const nulByteEvent = (): NewEvent => ({ id: randomUUID(), type: 'C', data: { text: 'nul\u0000byte' } });

export const pgliteTarget: StoreTarget = {
  adapter: 'pglite',
  gapFreePositions: true,
  refusedEvent: nulByteEvent,
  async fresh(label, { fromScratch = false } = {}) {
    const dataDir = await mkdtemp(join(testDataRoot(), `kring-${label}-`));
    const template = process.env.KRING_TEST_PGLITE_TEMPLATE;
    if (template && !fromScratch) await cp(template, dataDir, { recursive: true });
    return {
      config: { adapter: 'pglite', dataDir },
      env: { KRING_DATA_DIR: dataDir },
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

export const postgresTarget: StoreTarget = {
  adapter: 'postgres',
  gapFreePositions: true,
  refusedEvent: nulByteEvent,
  skipReason: POSTGRES_SKIP_REASON,
  async fresh(label) {
    const database = await createScratchDatabase(label);
    return {
      config: { adapter: 'postgres', connectionString: database.url },
      env: { KRING_DATABASE_URL: database.url },
      dispose: database.drop,
    };
  },
};

/**
 * EventStoreDB at KRING_TEST_ESDB_URL (given, or a container global-setup.ts started). It has one log
 * for every suite: a fresh store is the same server, with an embedded database for read models.
 */
export const eventStoreDbTarget: StoreTarget = {
  adapter: 'eventstoredb',
  skipReason: process.env.KRING_TEST_ESDB_SKIP_REASON,
  gapFreePositions: false,
  // Larger than EventStoreDB's largest append (1 MiB unless configured otherwise).
  refusedEvent: () => ({ id: randomUUID(), type: 'C', data: { text: 'x'.repeat(2 * 1024 * 1024) } }),
  async fresh(label) {
    const url = process.env.KRING_TEST_ESDB_URL!;
    const dataDir = await mkdtemp(join(testDataRoot(), `kring-${label}-`));
    return {
      config: { adapter: 'eventstoredb', connectionString: url, readModels: { adapter: 'pglite', dataDir } },
      env: { KRING_EVENT_STORE: url, KRING_DATA_DIR: dataDir },
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

/** describe() for a target, or describe.skip() with the reason printed when it cannot run here. */
export function describeOn(target: StoreTarget, title: string, body: () => void): void {
  if (target.skipReason) {
    describe.skip(`${title} [${target.adapter}] skipped: ${target.skipReason}`, body);
  } else {
    describe(`${title} [${target.adapter}]`, body);
  }
}

/** it(), or it.skip() with the reason in its title (jest prints it) when the test cannot run here. */
export function itUnless(reason: string | undefined): (title: string, test: () => Promise<void>, timeout?: number) => void {
  return reason === undefined
    ? (title, test, timeout) => it(title, test, timeout)
    : (title, test, timeout) => it.skip(`${title} (skipped: ${reason})`, test, timeout);
}
