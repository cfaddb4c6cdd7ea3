import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
// Relative: Jest's module map does not apply to its global setup.
import { openEventStore } from '../../libs/event-store/src';
import { removeLeftoverStores, testDataRoot } from './data-root';
import { eventStoreDbForTests } from './esdb';
import { postgresReachable } from './postgres';

/**
 * PostgreSQL suites run for real against the server at KRING_TEST_POSTGRES_URL. Without one, a
 * developer's run skips them and says so; in CI (CI=true) a missing server fails the whole run.
 * An embedded store is initialised once here (PGlite's initdb takes seconds), and each suite's fresh
 * embedded store starts as a copy of it (see targets.ts), in memory where the machine offers it (data-root.ts).
 */
export default async function globalSetup(): Promise<void> {
  removeLeftoverStores(testDataRoot());
  const template = await mkdtemp(join(testDataRoot(), 'kring-pglite-template-'));
  await (await openEventStore({ adapter: 'pglite', dataDir: template })).close();
  process.env.KRING_TEST_PGLITE_TEMPLATE = template;

  const esdb = await eventStoreDbForTests();
  if ('skipReason' in esdb) {
    process.env.KRING_TEST_ESDB_SKIP_REASON = esdb.skipReason;
    process.stderr.write(`\n!! The EventStoreDB suites are SKIPPED: ${esdb.skipReason}.\n`);
  } else {
    process.env.KRING_TEST_ESDB_URL = esdb.url;
    // Global teardown runs in this same context: it stops the container.
    (globalThis as { kringEsdbContainer?: unknown }).kringEsdbContainer = esdb.container;
  }

  const problem = await postgresReachable();
  if (!problem) return;
  if (process.env.CI === 'true') throw new Error(`${problem}. CI must run the PostgreSQL suites: failing.`);
  process.env.KRING_TEST_POSTGRES_SKIP_REASON = problem;
  process.stderr.write(`\n!! ${problem}: the PostgreSQL suites are SKIPPED (they would fail in CI).\n`);
}
