/**
 * Generations: each build of a projection lives in a schema of its own, registered in
 * kring_projections with its version, checkpoint and state. Every statement on that table is here.
 */
import type { ProjectionDefinition } from '@kring/domain';
import type { SqlDriver, SqlSession } from '@kring/event-store';
import { randomUUID } from 'node:crypto';
import { assertIdentifier, createIndexesSql, createTablesSql } from './document-tables';
import { LostLeadershipError } from './errors';
import { STATUS_CHANNEL } from './projection-schema';

export type GenerationState = 'building' | 'active' | 'retired';

export interface Generation {
  name: string;
  generation: number;
  version: number;
  /** Every event up to here is in the generation's tables. */
  checkpoint: bigint;
  state: GenerationState;
}

export const schemaOf = (name: string, generation: number): string => `kring_rm_${assertIdentifier(name)}_${generation}`;

const COLUMNS = 'name, generation, version, checkpoint, state';

export class GenerationTable {
  /**
   * Signs this process's status announcements: it updates its own checkpoints as it commits, and a NOTIFY
   * of its own heard back (on PGlite even before the commit's promise settles) is no news from elsewhere.
   */
  readonly origin = randomUUID();

  constructor(
    private readonly sql: SqlDriver,
    private readonly log: (message: string) => void,
  ) {}

  async of(name: string): Promise<Generation[]> {
    return this.sql.query<Generation>(`SELECT ${COLUMNS} FROM kring_projections WHERE name = $1 ORDER BY generation`, [name]);
  }

  async active(): Promise<Generation[]> {
    return this.sql.query<Generation>(`SELECT ${COLUMNS} FROM kring_projections WHERE state = 'active'`);
  }

  /** A new, empty generation of the definition's version: its tables and its row, in one transaction. */
  async create(definition: ProjectionDefinition, existing: readonly Generation[]): Promise<Generation> {
    const generation: Generation = {
      name: definition.name,
      generation: Math.max(0, ...existing.map((g) => g.generation)) + 1,
      version: definition.version,
      checkpoint: 0n,
      state: 'building',
    };
    await this.sql.transaction(async (tx) => {
      await tx.exec(createTablesSql(definition, schemaOf(generation.name, generation.generation)));
      await tx.query('INSERT INTO kring_projections (name, generation, version, checkpoint, state) VALUES ($1, $2, $3, 0, $4)', [
        generation.name,
        generation.generation,
        generation.version,
        generation.state,
      ]);
    });
    this.log(`projection ${definition.name}: building generation ${generation.generation} (version ${definition.version})`);
    return generation;
  }

  /** The switch: one transaction indexes this generation's tables, retires the active generation and activates this one; every process hears of it. */
  async activate(definition: ProjectionDefinition, generation: Generation): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const indexes = createIndexesSql(definition, schemaOf(generation.name, generation.generation));
      if (indexes) await tx.exec(indexes);
      await tx.query(`UPDATE kring_projections SET state = 'retired' WHERE name = $1 AND state = 'active'`, [generation.name]);
      await tx.query(`UPDATE kring_projections SET state = 'active' WHERE name = $1 AND generation = $2`, [
        generation.name,
        generation.generation,
      ]);
      await tx.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, statusPayload({ ...generation, state: 'active' }, this.origin)]);
    });
    generation.state = 'active';
  }

  async retire(generation: Generation): Promise<void> {
    await this.sql.query(`UPDATE kring_projections SET state = 'retired' WHERE name = $1 AND generation = $2`, [
      generation.name,
      generation.generation,
    ]);
    generation.state = 'retired';
  }

  async dropRetired(name: string): Promise<void> {
    const retired = (await this.of(name)).filter((g) => g.state === 'retired');
    for (const generation of retired) {
      await this.sql.transaction(async (tx) => {
        await tx.exec(`DROP SCHEMA IF EXISTS ${schemaOf(name, generation.generation)} CASCADE`);
        await tx.query('DELETE FROM kring_projections WHERE name = $1 AND generation = $2', [name, generation.generation]);
      });
    }
  }

  /**
   * In the caller's transaction, before it writes documents: locks the generations' rows and returns
   * those still to be written (a retired one is marked so and left out). Throws LostLeadershipError if
   * a checkpoint moved under us: the row locks are the last line of defence if two processes ever
   * believed they held the advisory lock.
   */
  async lockForCommit(tx: SqlSession, generations: readonly Generation[]): Promise<Generation[]> {
    const rows = await tx.query<Omit<Generation, 'version'>>(
      `SELECT p.name, p.generation, p.checkpoint, p.state FROM kring_projections p
         JOIN unnest($1::text[], $2::integer[]) AS m(name, generation) USING (name, generation)
       FOR UPDATE OF p`,
      [generations.map((g) => g.name), generations.map((g) => g.generation)],
    );
    const live: Generation[] = [];
    for (const generation of generations) {
      const row = rows.find((r) => r.name === generation.name && r.generation === generation.generation);
      if (row?.state === 'retired') generation.state = 'retired';
      else if (!row || row.checkpoint !== generation.checkpoint) throw new LostLeadershipError();
      else live.push(generation);
    }
    return live;
  }

  /** In the caller's transaction: the generations' new checkpoint, announced to every process on commit. */
  async advance(tx: SqlSession, generations: readonly Generation[], checkpoint: bigint): Promise<void> {
    await tx.query(
      `UPDATE kring_projections p SET checkpoint = $3
         FROM unnest($1::text[], $2::integer[]) AS m(name, generation)
        WHERE p.name = m.name AND p.generation = m.generation`,
      [generations.map((g) => g.name), generations.map((g) => g.generation), checkpoint.toString()],
    );
    await tx.query('SELECT pg_notify($1, status) FROM unnest($2::text[]) AS status', [
      STATUS_CHANNEL,
      generations.map((generation) => statusPayload({ ...generation, checkpoint }, this.origin)),
    ]);
  }
}

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

/** What a NOTIFY on the status channel says about a generation, and which process says it. */
export const statusPayload = (generation: Generation, origin: string): string =>
  JSON.stringify({ ...generation, checkpoint: generation.checkpoint.toString(), origin });

export function parseStatus(payload: string): { origin?: string; status: Generation } {
  const { origin, ...status } = JSON.parse(payload) as Omit<Generation, 'checkpoint'> & { checkpoint: string; origin?: string };
  return { origin, status: { ...status, checkpoint: BigInt(status.checkpoint) } };
}
