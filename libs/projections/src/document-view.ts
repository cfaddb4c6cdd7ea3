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
