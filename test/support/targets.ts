import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStoreConfig } from '@kring/event-store';
import { testDataRoot } from './data-root';
import { createScratchDatabase, POSTGRES_SKIP_REASON } from './postgres';

/** One empty store of one adapter: its configuration, the same as environment variables, and its removal. */
export interface FreshStore {
  config: EventStoreConfig;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface StoreTarget {
  adapter: 'pglite' | 'postgres';
  /** Why this adapter cannot run here (only ever set outside CI). */
  skipReason?: string;
  /** @param fromScratch an embedded store initialises its directory itself, instead of starting from a copy of one initialised at the start of the run */
  fresh(label: string, options?: { fromScratch?: boolean }): Promise<FreshStore>;
}

export const pgliteTarget: StoreTarget = {
  adapter: 'pglite',
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
