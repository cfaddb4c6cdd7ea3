import type { AnyCollection, ColumnOf, DocOf } from '@kring/domain';
import type { SqlDriver } from '@kring/event-store';
import { assertIdentifier, tableOf } from './document-tables';

/** Column values to filter on; an undefined value does not filter. */
export type ColumnFilter<C> = { [Column in ColumnOf<C>]?: string };

/**
 * One generation's tables of one projection (live or replayed), read through the collections the
 * domain declares: the document type and the column names come from the collection, never a string.
 * `Allowed` is the projection's collections, so a view cannot be asked for another projection's table.
 */
export class DocumentView<Allowed extends AnyCollection = AnyCollection> {
  constructor(
    private readonly sql: SqlDriver,
    readonly schema: string,
  ) {}

  private table(collection: Allowed): string {
    return tableOf(this.schema, collection.name);
  }

  /** Documents whose columns equal the given values, by key. */
  async documents<C extends Allowed>(collection: C, where: ColumnFilter<C> = {}): Promise<Array<DocOf<C>>> {
    const filters = Object.entries(where).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const clause = filters.length ? `WHERE ${filters.map(([column], i) => `${assertIdentifier(column)} = $${i + 1}`).join(' AND ')}` : '';
    const rows = await this.sql.query<{ doc: DocOf<C> }>(
      `SELECT doc FROM ${this.table(collection)} ${clause} ORDER BY key`,
      filters.map(([, value]) => value),
    );
    return rows.map((row) => row.doc);
  }

  /** Documents by key, in the order asked, undefined where there is none. */
  async byKeys<C extends Allowed>(collection: C, keys: readonly string[]): Promise<Array<DocOf<C> | undefined>> {
    const rows = await this.sql.query<{ key: string; doc: DocOf<C> }>(
      `SELECT key, doc FROM ${this.table(collection)} WHERE key = ANY ($1::text[])`,
      [[...keys]],
    );
    const found = new Map(rows.map((row) => [row.key, row.doc]));
    return keys.map((key) => found.get(key));
  }

  /** Documents whose numeric `column` lies in (after, upTo], by that column: a stretch of the log, for a model keyed by position. */
  async between<C extends Allowed>(collection: C, column: ColumnOf<C>, after: number, upTo: number): Promise<Array<DocOf<C>>> {
    const rows = await this.sql.query<{ doc: DocOf<C> }>(
      `SELECT doc FROM ${this.table(collection)} WHERE ${assertIdentifier(column)} > $1 AND ${column} <= $2 ORDER BY ${column}, key`,
      [after, upTo],
    );
    return rows.map((row) => row.doc);
  }

  /** How many documents have a numeric `column` of at most `upTo`, or none at all. */
  async countUpTo<C extends Allowed>(collection: C, column: ColumnOf<C>, upTo: number): Promise<number> {
    const [row] = await this.sql.query<{ count: number }>(
      `SELECT count(*)::integer AS count FROM ${this.table(collection)} WHERE ${assertIdentifier(column)} IS NULL OR ${column} <= $1`,
      [upTo],
    );
    return row.count;
  }

  /** Documents whose `column` is any of `values`, grouped by that value (one query for many parents: DataLoader's batch). */
  async groupedBy<C extends Allowed>(collection: C, column: ColumnOf<C>, values: readonly string[]): Promise<Array<Array<DocOf<C>>>> {
    const rows = await this.sql.query<{ value: string; doc: DocOf<C> }>(
      `SELECT ${assertIdentifier(column)} AS value, doc FROM ${this.table(collection)} WHERE ${column} = ANY ($1::text[]) ORDER BY key`,
      [[...values]],
    );
    const groups = new Map<string, Array<DocOf<C>>>(values.map((value) => [value, []]));
    for (const row of rows) groups.get(row.value)?.push(row.doc);
    return values.map((value) => groups.get(value) ?? []);
  }
}
