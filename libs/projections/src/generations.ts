/**
 * Generations: each build of a projection lives in a schema of its own, registered in
 * kring_projections with its version, checkpoint and state. Every statement on that table is here.
 */
import type { ProjectionDefinition } from '@kring/domain';
import { type SqlDriver, type SqlSession, SqlState } from '@kring/event-store';
import { randomUUID } from 'node:crypto';
import { assertIdentifier, createIndexesSql, createTablesSql, type DocumentStatement } from './document-tables';
import { LostLeadershipError, ProjectionFailedError, writingDocumentsUpTo } from './errors';
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
   * Commits generations' document statements and advances their checkpoints to `checkpoint`, in one
   * statement (kring_commit_documents): alone, or inside the caller's transaction when COPYs follow.
   * Returns those written: a retired one is marked so and left out. Throws LostLeadershipError if a
   * checkpoint moved under us, and ProjectionFailedError naming the generation whose write failed.
   */
  async commit(
    session: SqlSession,
    entries: ReadonlyArray<{ generation: Generation; statements: readonly DocumentStatement[] }>,
    checkpoint: bigint,
  ): Promise<Generation[]> {
    const generations = entries.map((entry) => entry.generation);
    const statements = entries.flatMap(({ statements }, i) => statements.map((statement) => ({ ...statement, owner: i + 1 })));
    let states: GenerationState[];
    try {
      [{ states }] = await session.query<{ states: GenerationState[] }>(
        `SELECT kring_commit_documents($1::text[], $2::integer[], $3::bigint[], $4::bigint, $5::integer[], $6::text[], $7::jsonb, $8::text[]) AS states`,
        [
          generations.map((g) => g.name),
          generations.map((g) => g.generation),
          generations.map((g) => g.checkpoint.toString()),
          checkpoint.toString(),
          statements.map((s) => s.owner),
          statements.map((s) => s.sql),
          // Each statement's JSON is already text: joined, not parsed and serialised again (null: it takes no parameter).
          `[${statements.map((s) => s.json ?? 'null').join(',')}]`,
          generations.map((generation) => statusPayload({ ...generation, checkpoint }, this.origin)),
        ],
      );
    } catch (error) {
      const { code, detail, hint, message } = error as { code?: string; detail?: string; hint?: string; message: string };
      if (code === SqlState.checkpointMoved) throw new LostLeadershipError();
      if (code !== SqlState.documentWriteFailed) throw error;
      const generation = generations[Number(detail) - 1];
      throw new ProjectionFailedError(generation.name, writingDocumentsUpTo(checkpoint), Object.assign(new Error(message), { code: hint }));
    }
    return generations.filter((generation, i) => {
      if (states[i] === 'retired') generation.state = 'retired';
      return states[i] !== 'retired';
    });
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
