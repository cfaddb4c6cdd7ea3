import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { describeEventStoreConfig, EventStore, eventStoreConfigFromEnv, openEventStore } from '@kring/event-store';

/** Injection token of the one EventStore of this process. */
export const EVENT_STORE = Symbol('EVENT_STORE');

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
      provide: EVENT_STORE,
      useFactory: async (): Promise<EventStore> => {
        const config = eventStoreConfigFromEnv();
        const store = await openEventStore(config);
        new Logger('EventStore').log(`Event log: ${describeEventStoreConfig(config)}`);
        return store;
      },
    },
    EventStoreLifecycle,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
