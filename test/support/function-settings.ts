import type { SqlDriver } from '@kring/event-store';

/** The settings each named function runs with (ALTER FUNCTION … SET), by name; null for none. */
export async function functionSettings(sql: SqlDriver, names: readonly string[]): Promise<Record<string, string[] | null>> {
  const rows = await sql.query<{ name: string; config: string[] | null }>(
    'SELECT proname AS name, proconfig AS config FROM pg_proc WHERE proname = ANY ($1::text[])',
    [[...names]],
  );
  return Object.fromEntries(rows.map(({ name, config }) => [name, config]));
}

/** What a function planned once per connection runs with (see event-store/007-generic-plans). */
export const GENERIC_PLANS = ['plan_cache_mode=force_generic_plan'];
