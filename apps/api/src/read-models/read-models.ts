import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { careProjection, knowledgeProjection, networksProjection, ProjectionDefinition, referralsProjection } from '@kring/domain';
import { EventStore, SqlDriver } from '@kring/event-store';
import { AsOfSnapshots, assertIdentifier, ProjectionEngine, tableOf } from '@kring/projections';
import { EVENT_STORE, SQL_DRIVER } from '../event-store/event-store.module';

export const PROJECTIONS: readonly ProjectionDefinition[] = [networksProjection, careProjection, referralsProjection, knowledgeProjection];

/** How long a query with `after` waits for its projection before answering STALE_READ_MODEL. */
const READ_WAIT_MS = Number(process.env.KRING_READ_WAIT_MS ?? 5000);

/** The read side's door to the projections: read-your-writes waits, active tables, and "as of" replays. */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  readonly engine: ProjectionEngine;
  private readonly snapshots: AsOfSnapshots;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {
    const logger = new Logger('Projections');
    this.engine = new ProjectionEngine(store, sql, PROJECTIONS, { log: (message) => logger.log(message) });
    this.snapshots = new AsOfSnapshots(this.engine, store, sql);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
    await this.snapshots.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.engine.stop();
    await this.snapshots.stop();
  }

  /**
   * The schema to read `projection` from, once it has processed `after` (read-your-writes). Without
   * `after` it waits only for the first build. `asOf` reads a replay of the log as it stood then.
   */
  async read<T>(projection: string, options: { after?: bigint; asOf?: Date }, read: (view: View) => Promise<T>): Promise<T> {
    await this.engine.waitFor([projection], options.after ?? 0n, READ_WAIT_MS);
    if (options.asOf) return this.snapshots.read(projection, options.asOf, (schema) => read(new View(this.sql, schema)));
    const schema = this.engine.activeSchema(projection);
    if (!schema) throw new Error(`projection ${projection} has no active generation`);
    return read(new View(this.sql, schema));
  }
}

/** One generation's tables of one projection (live or replayed), read by column filters. */
export class View {
  constructor(
    private readonly sql: SqlDriver,
    readonly schema: string,
  ) {}

  table(collection: string): string {
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

  query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.sql.query<Row>(text, params);
  }
}
