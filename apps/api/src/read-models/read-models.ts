import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CollectionOf, ProjectionDefinition, PROJECTIONS } from '@kring/domain';
import { EventStore, SqlDriver } from '@kring/event-store';
import { AsOfSnapshots, DocumentView, ProjectionEngine } from '@kring/projections';
import { EVENT_STORE, SQL_DRIVER } from '../event-store/event-store.module';
import { settingsFrom } from '../settings';

/** The read side's door to the projections: read-your-writes waits, active tables, and "as of" replays. */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  readonly engine: ProjectionEngine;
  private readonly snapshots: AsOfSnapshots;
  /** How long a query with `after` waits for its projection before answering STALE_READ_MODEL. */
  private readonly readWaitMs = settingsFrom().KRING_READ_WAIT_MS;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {
    const logger = new Logger('Projections');
    // With KRING_PROJECTIONS=off a separate projector (apps/projector) builds the read models this replica reads.
    const settings = settingsFrom();
    this.engine = new ProjectionEngine(store, sql, PROJECTIONS, {
      lead: settings.KRING_PROJECTIONS === 'on',
      lockRetryMs: settings.KRING_LEADER_RETRY_MS,
      log: (message) => logger.log(message),
    });
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
   * Reads `projection`'s tables once it has processed `after` (read-your-writes). Without `after` it
   * waits only for the first build. `asOf` reads a replay of the log as it stood then.
   */
  async read<P extends ProjectionDefinition, T>(
    projection: P,
    options: { after?: bigint; asOf?: Date },
    read: (view: DocumentView<CollectionOf<P>>) => Promise<T>,
  ): Promise<T> {
    const { name } = projection;
    await this.engine.waitFor([name], options.after ?? 0n, this.readWaitMs);
    if (options.asOf) return this.snapshots.read(name, options.asOf, (schema) => read(new DocumentView(this.sql, schema)));
    const schema = this.engine.activeSchema(name);
    if (!schema) throw new Error(`projection ${name} has no active generation`);
    return read(new DocumentView(this.sql, schema));
  }
}
