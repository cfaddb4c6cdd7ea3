import type { SqlDriver } from '@kring/event-store';
import { assertIdentifier, tableOf } from './document-tables';

/** One generation's tables of one projection (live or replayed), read by column filters. */
export class DocumentView {
  constructor(
    private readonly sql: SqlDriver,
    readonly schema: string,
  ) {}

  private table(collection: string): string {
    return tableOf(this.schema, collection);
  }

  /** Documents whose columns equal the given values (undefined values do not filter). */
  async documents<Doc>(collection: string, where: Record<string, string | undefined> = {}): Promise<Doc[]> {
    const filters = Object.entries(where).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const clause = filters.length ? `WHERE ${filters.map(([column], i) => `${assertIdentifier(column)} = $${i + 1}`).join(' AND ')}` : '';
    const rows = await this.sql.query<{ doc: Doc }>(
      `SELECT doc FROM ${this.table(collection)} ${clause} ORDER BY key`,
      filters.map(([, value]) => value),
    );
    return rows.map((row) => row.doc);
  }

  /** Documents by key, in the order asked, undefined where there is none. */
  async byKeys<Doc>(collection: string, keys: readonly string[]): Promise<Array<Doc | undefined>> {
    const rows = await this.sql.query<{ key: string; doc: Doc }>(
      `SELECT key, doc FROM ${this.table(collection)} WHERE key = ANY ($1::text[])`,
      [[...keys]],
    );
    const found = new Map(rows.map((row) => [row.key, row.doc]));
    return keys.map((key) => found.get(key));
  }

  /** Documents whose numeric `column` lies in (after, upTo], by that column: a stretch of the log, for a model keyed by position. */
  async between<Doc>(collection: string, column: string, after: number, upTo: number): Promise<Doc[]> {
    const rows = await this.sql.query<{ doc: Doc }>(
      `SELECT doc FROM ${this.table(collection)} WHERE ${assertIdentifier(column)} > $1 AND ${column} <= $2 ORDER BY ${column}, key`,
      [after, upTo],
    );
    return rows.map((row) => row.doc);
  }

  /** How many documents have a numeric `column` of at most `upTo`, or none at all. */
  async countUpTo(collection: string, column: string, upTo: number): Promise<number> {
    const [row] = await this.sql.query<{ count: number }>(
      `SELECT count(*)::integer AS count FROM ${this.table(collection)} WHERE ${assertIdentifier(column)} IS NULL OR ${column} <= $1`,
      [upTo],
    );
    return row.count;
  }

  /** Documents whose `column` is any of `values`, grouped by that value (one query for many parents: DataLoader's batch). */
  async groupedBy<Doc>(collection: string, column: string, values: readonly string[]): Promise<Doc[][]> {
    const rows = await this.sql.query<{ value: string; doc: Doc }>(
      `SELECT ${assertIdentifier(column)} AS value, doc FROM ${this.table(collection)} WHERE ${column} = ANY ($1::text[]) ORDER BY key`,
      [[...values]],
    );
    const groups = new Map<string, Doc[]>(values.map((value) => [value, []]));
    for (const row of rows) groups.get(row.value)?.push(row.doc);
    return values.map((value) => groups.get(value) ?? []);
  }
}
