import type { SqlSession } from '@kring/event-store';
import { schemaOf } from './projection-engine';

/**
 * The generation of a projection that queries read, and how far it has applied the log, straight from
 * the engine's bookkeeping: for tools that read a model without running its projector (an audit check).
 * Undefined while no generation is active (or no projection ever ran on this database).
 */
export async function activeGeneration(sql: SqlSession, name: string): Promise<{ schema: string; checkpoint: bigint } | undefined> {
  const [{ exists }] = await sql.query<{ exists: boolean }>(`SELECT to_regclass('kring_projections') IS NOT NULL AS exists`);
  if (!exists) return undefined;
  const [row] = await sql.query<{ generation: number; checkpoint: bigint }>(
    `SELECT generation, checkpoint FROM kring_projections WHERE name = $1 AND state = 'active'`,
    [name],
  );
  return row && { schema: schemaOf(name, row.generation), checkpoint: row.checkpoint };
}
