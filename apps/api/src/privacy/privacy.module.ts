import { Global, Inject, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import type { EventStore, SqlDriver } from '@kring/event-store';
import { MasterKey, masterKeyFromEnv, PersonalDataCipher, SqlKeyStore } from '@kring/privacy';
import { EVENT_STORE, SQL_DRIVER } from '../event-store/event-store.module';

const KEY_STORE = Symbol('KEY_STORE');
/** The master key (KRING_MASTER_KEY), for keys derived from it. */
export const MASTER_KEY = Symbol('MASTER_KEY');

@Injectable()
class KeyStoreLifecycle implements OnModuleDestroy {
  constructor(@Inject(KEY_STORE) private readonly keys: SqlKeyStore) {}

  /** Before the database closes: the key store listens for destroyed keys on it. */
  async onModuleDestroy(): Promise<void> {
    await this.keys.close();
  }
}

/** Crypto-shredding: a key per data subject (wrapped by the master key, in the store's database) and the cipher that uses them. */
@Global()
@Module({
  providers: [
    { provide: MASTER_KEY, useFactory: () => masterKeyFromEnv() },
    {
      provide: KEY_STORE,
      useFactory: async (sql: SqlDriver, store: EventStore, master: MasterKey) => {
        const keys = await SqlKeyStore.open(sql, master);
        const head = await store.headPosition();
        if (keys.created && head > 0n) {
          await keys.close();
          throw new Error(
            `this log holds ${head} events written before personal data was sealed, in plain text; this version cannot use it. Start with a new KRING_DATA_DIR (or database)`,
          );
        }
        new Logger('Privacy').log(`Personal data sealed per person; subject keys wrapped with the master key from ${master.source}`);
        return keys;
      },
      inject: [SQL_DRIVER, EVENT_STORE, MASTER_KEY],
    },
    { provide: PersonalDataCipher, useFactory: (keys: SqlKeyStore) => new PersonalDataCipher(keys), inject: [KEY_STORE] },
    KeyStoreLifecycle,
  ],
  exports: [PersonalDataCipher, MASTER_KEY],
})
export class PrivacyModule {}
