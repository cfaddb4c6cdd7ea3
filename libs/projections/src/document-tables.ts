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
 * DDL for a projection's tables in `schema`: one row per document. The unique index on the key is
 * not made here but by `keyIndexSql`, when a write or read first looks a key up, or at the switch
 * (`createIndexesSql`), so that a generation's bulk writes do not maintain indexes they do not use
 * yet: most documents of a rebuild are written once (a meeting, an access entry), and keeping a
 * b-tree of random keys up to date cost PGlite about a third of their COPY.
 * A document is stored as `json`, its text checked and kept as written: the database never looks inside
 * one (filters read the lifted columns), and turning the text into `jsonb` on the way in cost PGlite's
 * COPY of 120k meetings 630-770 ms against 420-460 ms. Tables made before hold `jsonb`; both are read
 * and written the same way (each type is assigned to the other by an implicit cast).
 */
export function createTablesSql(projection: ProjectionDefinition, schema: string): string {
  const statements = [`CREATE SCHEMA ${assertIdentifier(schema)}`];
  for (const collection of projection.collections) {
    const columns = Object.entries(collection.columns).map(([name, { type }]) => `, ${assertIdentifier(name)} ${SQL_TYPES[type]}`);
    statements.push(`CREATE TABLE ${tableOf(schema, collection.name)} (key text NOT NULL, doc json NOT NULL${columns.join('')})`);
  }
  return statements.join(';\n');
}

/**
 * DDL for the unique index on a collection's key, if it has none yet: what upserts (ON CONFLICT) and
 * lookups by key need. Named as PostgreSQL named the primary key of tables made before, so theirs counts.
 */
export function keyIndexSql(schema: string, collection: string): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${assertIdentifier(`${collection}_pkey`)} ON ${tableOf(schema, collection)} (key)`;
}

/** DDL for every index of the tables, the keys' first; named as PostgreSQL names them itself, so tables made with them before are left as they are. */
export function createIndexesSql(projection: ProjectionDefinition, schema: string): string {
  const statements = projection.collections.map((collection) => keyIndexSql(schema, collection.name));
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

/** From this many documents on, a write loads them with COPY (about 3x less database time per row, see saveDocuments). */
export const COPY_FROM_ROWS = 500;

/**
 * Documents as the rows one commit writes: serialised now, so that `evolve` may go on changing the
 * documents in memory (in place) while the commit is on its way.
 */
export interface DocumentRows {
  /**
   * The rows to write, or null if none: a small write as JSON text for one upsert; a large one (a
   * rebuild, a catch-up) in COPY's text format, with the keys whose rows it replaces (those that may exist).
   */
  upserts: { json: string } | { copy: string; keys: string[] } | null;
  deletes: string[];
  /** The table has no index on its key yet and these rows look keys up (to replace or delete rows): make it first. */
  keyIndex: boolean;
}

/** A value as a field of COPY's text format: backslash escapes, `\N` for null. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : text;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The rows for `documents` (`undefined`: removed). Keys in `unwritten` are known to have no row yet (a
 * generation built from the empty start knows which): a large write adds theirs without deleting first.
 * @param keyed whether the table has its key index: without it, rows are always added by COPY (an
 *   upsert needs the index), and only a write that looks keys up asks for the index (`keyIndex`).
 */
export function rowsOf(
  collection: Collection,
  documents: Map<string, unknown>,
  unwritten?: ReadonlySet<string>,
  keyed = true,
): DocumentRows {
  const columns = Object.entries(collection.columns);
  const deletes: string[] = [];
  let removed = 0;
  for (const [key, doc] of documents)
    if (doc === undefined) {
      removed++;
      // Never written: there is no row to delete.
      if (!unwritten?.has(key)) deletes.push(key);
    }
  const count = documents.size - removed;
  if (count === 0) return { upserts: null, deletes, keyIndex: !keyed && deletes.length > 0 };
  if (count < COPY_FROM_ROWS && keyed) {
    const upserts: Array<Record<string, unknown>> = [];
    for (const [key, doc] of documents) {
      if (doc === undefined) continue;
      const row: Record<string, ColumnValue | unknown> = { key, doc };
      for (const [name, { of }] of columns) row[name] = of(doc);
      upserts.push(row);
    }
    return { upserts: { json: JSON.stringify(upserts) }, deletes, keyIndex: false };
  }
  const lines: string[] = [];
  const keys: string[] = [];
  for (const [key, doc] of documents) {
    if (doc === undefined) continue;
    if (!unwritten?.has(key)) keys.push(key);
    // JSON text holds no raw line breaks or tabs: only its backslashes need escaping, and most documents have none.
    const json = JSON.stringify(doc);
    let line = `${copyField(key)}\t${json.includes('\\') ? json.replace(/\\/g, '\\\\') : json}`;
    for (const [, { of }] of columns) line += `\t${copyField(of(doc))}`;
    lines.push(line);
  }
  return { upserts: { copy: `${lines.join('\n')}\n`, keys }, deletes, keyIndex: !keyed && keys.length + deletes.length > 0 };
}

/** One statement of a document write: SQL whose one parameter, `$1`, is JSON text, or that takes none (null: a key index's DDL). */
export interface DocumentStatement {
  sql: string;
  json: string | null;
}

/** What writing documents takes: statements, in order (a key index the writes ask for first), then COPYs of the large writes' rows. */
export interface DocumentWrites {
  statements: DocumentStatement[];
  copies: Array<{ table: string; columns: string[]; rows: string }>;
}

/**
 * The writes of one collection's rows. A small write is one upsert and one delete. A large one deletes
 * the rows it replaces and loads the new ones with COPY: per 100k rows that cost PostgreSQL 0.8-1.2 s of
 * CPU where the upsert from JSON cost 2.0-2.2 s (measured; parsing the JSON is most of it).
 */
export function writesOf(schema: string, collection: Collection, { upserts, deletes, keyIndex }: DocumentRows): DocumentWrites {
  const table = tableOf(schema, collection.name);
  // Before the deletes and the COPY that look keys up: within the same commit, for live generations only.
  const indexing: DocumentStatement[] = keyIndex ? [{ sql: keyIndexSql(schema, collection.name), json: null }] : [];
  const columns = Object.entries(collection.columns);
  const names = ['key', 'doc', ...columns.map(([name]) => name)];
  const deleting = (keys: string[]): DocumentStatement[] =>
    keys.length === 0
      ? []
      : [{ sql: `DELETE FROM ${table} WHERE key = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`, json: JSON.stringify(keys) }];
  if (upserts === null) return { statements: [...indexing, ...deleting(deletes)], copies: [] };
  if ('copy' in upserts)
    return {
      statements: [...indexing, ...deleting([...upserts.keys, ...deletes])],
      copies: [{ table, columns: names, rows: upserts.copy }],
    };
  const types = ['key text', 'doc json', ...columns.map(([name, { type }]) => `${name} ${SQL_TYPES[type]}`)];
  const upsert = {
    sql: `INSERT INTO ${table} (${names.join(', ')})
       SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${types.join(', ')})
       ON CONFLICT (key) DO UPDATE SET ${names
         .slice(1)
         .map((name) => `${name} = EXCLUDED.${name}`)
         .join(', ')}`,
    json: upserts.json,
  };
  return { statements: [...indexing, upsert, ...deleting(deletes)], copies: [] };
}

/** Runs writes in the caller's transaction, one statement at a time. */
export async function writeDocuments(tx: SqlSession, { statements, copies }: DocumentWrites): Promise<void> {
  for (const { sql, json } of statements) await (json === null ? tx.exec(sql) : tx.query(sql, [json]));
  for (const { table, columns, rows } of copies) await tx.copyRows(table, columns, rows);
}
