import { postgresReachable } from './postgres';

/**
 * PostgreSQL suites run for real against the server at KRING_TEST_POSTGRES_URL. Without one, a
 * developer's run skips them and says so; in CI (CI=true) a missing server fails the whole run.
 */
export default async function globalSetup(): Promise<void> {
  const problem = await postgresReachable();
  if (!problem) return;
  if (process.env.CI === 'true') throw new Error(`${problem}. CI must run the PostgreSQL suites: failing.`);
  process.env.KRING_TEST_POSTGRES_SKIP_REASON = problem;
  process.stderr.write(`\n!! ${problem}: the PostgreSQL suites are SKIPPED (they would fail in CI).\n`);
}
