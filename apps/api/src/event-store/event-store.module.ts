import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { describeEventStoreConfig, EventStore, eventStoreConfigFromEnv, openEventStoreWithSql, SqlDriver } from '@kring/event-store';

/** Injection token of the one EventStore of this process. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The store's database, where the read models live too. */
export const SQL_DRIVER = Symbol('SQL_DRIVER');

const DATABASE = Symbol('DATABASE');

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Closing releases the embedded store's directory lock, so the next start never finds it taken. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      useFactory: async () => {
        const config = eventStoreConfigFromEnv();
        const database = await openEventStoreWithSql(config);
        new Logger('EventStore').log(`Event log: ${describeEventStoreConfig(config)}`);
        return database;
      },
    },
    { provide: EVENT_STORE, useFactory: (database: { store: EventStore }) => database.store, inject: [DATABASE] },
    { provide: SQL_DRIVER, useFactory: (database: { sql: SqlDriver }) => database.sql, inject: [DATABASE] },
    EventStoreLifecycle,
  ],
  exports: [EVENT_STORE, SQL_DRIVER],
})
export class EventStoreModule {}
