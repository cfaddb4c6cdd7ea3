/**
 * npm run bench:rounds [-- --adapters postgres,pglite --rounds 1000]
 *
 * What a live round's commit costs: 3 generations with 4 changed documents each (a recordMeeting
 * changes about that many), committed with their checkpoints as the engine commits them, in one
 * statement (kring_commit_documents), beside the same writes as separate statements in one
 * transaction (how a replay writes, and how a live round wrote before). Wall time and CPU per round,
 * this process (PGlite's database runs in it) and PostgreSQL's; rounds alternate, twice each.
 * One JSON line per figure (see logFigure).
 */
import { parseArgs } from 'node:util';
import { type AnyCollection, collection } from '@kring/domain';
import { migrate, openSqlDriver, readModelsOf, type SqlDriver } from '@kring/event-store';
import { rowsOf, writeDocuments, writesOf } from '../libs/projections/src/document-tables';
import { type Generation, GenerationTable, schemaOf } from '../libs/projections/src/generations';
import { PROJECTION_MIGRATIONS } from '../libs/projections/src/projection-schema';
import { pgliteTarget, postgresTarget } from '../test/support/targets';
import { cpuMeter, logFigure } from './support';

const { values: args } = parseArgs({
  options: { adapters: { type: 'string', default: 'postgres,pglite' }, rounds: { type: 'string', default: '1000' } },
});
const ROUNDS = Number(args.rounds);

interface Doc {
  networkId: string;
  attended: number;
  notes: string[];
}
const docs: AnyCollection = collection<never, Doc>()({
  name: 'docs',
  columns: { network_id: { type: 'text', of: (d) => d.networkId }, attended: { type: 'integer', of: (d) => d.attended } },
  keys: () => [],
  evolve: (doc) => doc,
});
const documents = (round: number) =>
  new Map(
    Array.from({ length: 4 }, (_, k) => [`doc-${k}`, { networkId: 'network-1', attended: round, notes: ['koffie drinken', 'wandelen'] }]),
  );

/** The same writes as separate statements in one transaction, with the same lock, checkpoint and NOTIFY. */
async function inTransaction(
  sql: SqlDriver,
  entries: Array<{ generation: Generation; statements: ReturnType<typeof writesOf>['statements'] }>,
  checkpoint: bigint,
) {
  const names = entries.map(({ generation }) => generation.name);
  const numbers = entries.map(({ generation }) => generation.generation);
  await sql.transaction(async (tx) => {
    await tx.query(
      `SELECT p.checkpoint FROM kring_projections p JOIN unnest($1::text[], $2::integer[]) AS m(name, generation) USING (name, generation) FOR UPDATE OF p`,
      [names, numbers],
    );
    for (const { statements } of entries) await writeDocuments(tx, { statements, copies: [] });
    await tx.query(
      `UPDATE kring_projections p SET checkpoint = $3 FROM unnest($1::text[], $2::integer[]) AS m(name, generation)
        WHERE p.name = m.name AND p.generation = m.generation`,
      [names, numbers, checkpoint.toString()],
    );
    await tx.query(`SELECT pg_notify('kring_bench_rounds', name) FROM unnest($1::text[]) AS name`, [names]);
  });
}

async function benchAdapter(adapter: 'postgres' | 'pglite'): Promise<void> {
  const fresh = await (adapter === 'postgres' ? postgresTarget : pgliteTarget).fresh('bench-rounds');
  const sql = await openSqlDriver(readModelsOf(fresh.config));
  try {
    await migrate(sql, PROJECTION_MIGRATIONS);
    const table = new GenerationTable(sql, () => undefined);
    const generations: Generation[] = [];
    for (const name of ['networks', 'scope', 'care']) {
      const definition = { name, version: 1, events: {}, collections: [docs] };
      const generation = await table.create(definition, []);
      // Live rounds write to active generations, whose tables the switch indexed.
      await table.activate(definition, generation);
      generations.push(generation);
    }
    let checkpoint = 0n;
    for (const how of ['one statement', 'a transaction', 'one statement', 'a transaction']) {
      const meter = cpuMeter();
      const started = performance.now();
      for (let round = 0; round < ROUNDS; round++) {
        const entries = generations.map((generation) => ({
          generation,
          statements: writesOf(schemaOf(generation.name, generation.generation), docs, rowsOf(docs, documents(round))).statements,
        }));
        const next = checkpoint + 1n;
        if (how === 'one statement') await table.commit(sql, entries, next);
        else await inTransaction(sql, entries, next);
        checkpoint = next;
        for (const generation of generations) generation.checkpoint = checkpoint;
      }
      const wallMs = performance.now() - started;
      const { nodeMs, postgresMs } = meter();
      logFigure({
        figure: `live round commit, ${how}`,
        adapter,
        value: Number((wallMs / ROUNDS).toFixed(3)),
        unit: 'ms per round',
        details: { cpuMsPerRound: { node: Number((nodeMs / ROUNDS).toFixed(3)), postgres: Number((postgresMs / ROUNDS).toFixed(3)) } },
      });
    }
  } finally {
    await sql.close();
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  for (const adapter of args.adapters!.split(',') as Array<'postgres' | 'pglite'>) await benchAdapter(adapter);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:rounds failed: ${error.stack}\n`);
  process.exit(1);
});
