import type { Collection, ColumnType, ColumnValue, ProjectionDefinition } from '@kring/domain';
import type { SqlSession } from '@kring/event-store';

const SQL_TYPES: Record<ColumnType, string> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  date: 'date',
  boolean: 'boolean',
};
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain lower-case SQL name`);
  return name;
}

/** `schema.collection`, both checked: every name that reaches SQL text comes from code, never from a request. */
export function tableOf(schema: string, collection: string): string {
  return `${assertIdentifier(schema)}.${assertIdentifier(collection)}`;
}

/**
 * DDL for a projection's tables in `schema`: one row per document, keyed. The indexes on its lifted
 * columns come from `createIndexesSql`: a generation being built gets them at the switch, so its bulk
 * writes do not maintain them.
 */
export function createTablesSql(projection: ProjectionDefinition, schema: string): string {
  const statements = [`CREATE SCHEMA ${assertIdentifier(schema)}`];
  for (const collection of projection.collections) {
    const columns = Object.entries(collection.columns).map(([name, { type }]) => `, ${assertIdentifier(name)} ${SQL_TYPES[type]}`);
    statements.push(`CREATE TABLE ${tableOf(schema, collection.name)} (key text PRIMARY KEY, doc jsonb NOT NULL${columns.join('')})`);
  }
  return statements.join(';\n');
}

/** DDL for the indexes on the lifted columns; named as PostgreSQL names them itself, so tables made with them before are left as they are. */
export function createIndexesSql(projection: ProjectionDefinition, schema: string): string {
  const statements: string[] = [];
  for (const collection of projection.collections)
    for (const name of Object.keys(collection.columns))
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${assertIdentifier(`${collection.name}_${name}_idx`)} ON ${tableOf(schema, collection.name)} (${name})`,
      );
  return statements.join(';\n');
}

export async function loadDocuments(
  tx: SqlSession,
  schema: string,
  collection: Collection,
  keys: Set<string>,
): Promise<Map<string, unknown>> {
  const documents = new Map<string, unknown>();
  if (keys.size === 0) return documents;
  const rows = await tx.query<{ key: string; doc: unknown }>(
    `SELECT key, doc FROM ${tableOf(schema, collection.name)} WHERE key = ANY ($1::text[])`,
    [[...keys]],
  );
  for (const row of rows) documents.set(row.key, row.doc);
  return documents;
}

/**
 * Documents as the rows one commit writes: serialised now, so that `evolve` may go on changing the
 * documents in memory (in place) while the commit is on its way.
 */
export interface DocumentRows {
  /** JSON text of the rows to upsert (key, doc and the lifted columns), or null if none. */
  upserts: string | null;
  deletes: string[];
}

/** The rows for `documents` (`undefined`: removed). */
export function rowsOf(collection: Collection, documents: Map<string, unknown>): DocumentRows {
  const columns = Object.entries(collection.columns);
  const upserts: Array<Record<string, unknown>> = [];
  const deletes: string[] = [];
  for (const [key, doc] of documents) {
    if (doc === undefined) {
      deletes.push(key);
      continue;
    }
    const row: Record<string, ColumnValue | unknown> = { key, doc };
    for (const [name, { of }] of columns) row[name] = of(doc);
    upserts.push(row);
  }
  return { upserts: upserts.length > 0 ? JSON.stringify(upserts) : null, deletes };
}

/** Writes rows (one upsert, one delete): a batch costs two statements per collection, not one per event. */
export async function saveDocuments(
  tx: SqlSession,
  schema: string,
  collection: Collection,
  { upserts, deletes }: DocumentRows,
): Promise<void> {
  const table = tableOf(schema, collection.name);
  const columns = Object.entries(collection.columns);
  if (upserts !== null) {
    const names = ['key', 'doc', ...columns.map(([name]) => name)];
    const types = ['key text', 'doc jsonb', ...columns.map(([name, { type }]) => `${name} ${SQL_TYPES[type]}`)];
    await tx.query(
      `INSERT INTO ${table} (${names.join(', ')})
       SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${types.join(', ')})
       ON CONFLICT (key) DO UPDATE SET ${names
         .slice(1)
         .map((name) => `${name} = EXCLUDED.${name}`)
         .join(', ')}`,
      [upserts],
    );
  }
  if (deletes.length > 0) await tx.query(`DELETE FROM ${table} WHERE key = ANY ($1::text[])`, [deletes]);
}
