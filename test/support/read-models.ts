import { PROJECTIONS } from '@kring/domain';
import type { SqlDriver } from '@kring/event-store';
import { ProjectionEngine, tableOf } from '@kring/projections';

/** Every table of every projection's active generation, as sorted rows: what "identical" compares. */
export async function dumpReadModels(engine: ProjectionEngine, sql: SqlDriver): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const projection of PROJECTIONS) {
    const schema = engine.activeSchema(projection.name)!;
    for (const collection of projection.collections) {
      dump[`${projection.name}.${collection.name}`] = await sql.query(`SELECT * FROM ${tableOf(schema, collection.name)} ORDER BY key`);
    }
  }
  return dump;
}
