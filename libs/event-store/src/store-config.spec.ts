import { resolve } from 'node:path';
import { describeEventStoreConfig, eventStoreConfigFromEnv, readModelsOf } from './store-config';

describe('choosing the log and the read models from the environment', () => {
  const pg = 'postgres://kring@db:5432/kring';
  const esdb = 'esdb://esdb-1:2113,esdb-2:2113?tls=false';

  it('embeds both by default, in KRING_DATA_DIR or ./data', () => {
    expect(eventStoreConfigFromEnv({})).toEqual({ adapter: 'pglite', dataDir: resolve('./data') });
    expect(eventStoreConfigFromEnv({ KRING_DATA_DIR: '/var/kring' })).toEqual({ adapter: 'pglite', dataDir: '/var/kring' });
  });

  it('puts both in the PostgreSQL of KRING_DATABASE_URL', () => {
    expect(eventStoreConfigFromEnv({ KRING_DATABASE_URL: pg })).toEqual({ adapter: 'postgres', connectionString: pg });
    expect(eventStoreConfigFromEnv({ KRING_EVENT_STORE: pg, KRING_DATABASE_URL: pg })).toEqual({
      adapter: 'postgres',
      connectionString: pg,
    });
  });

  it('takes the log from KRING_EVENT_STORE and leaves the read models on KRING_DATABASE_URL, else embedded', () => {
    expect(eventStoreConfigFromEnv({ KRING_EVENT_STORE: esdb, KRING_DATABASE_URL: pg })).toEqual({
      adapter: 'eventstoredb',
      connectionString: esdb,
      readModels: { adapter: 'postgres', connectionString: pg },
    });
    expect(eventStoreConfigFromEnv({ KRING_EVENT_STORE: esdb, KRING_DATA_DIR: '/var/kring' })).toEqual({
      adapter: 'eventstoredb',
      connectionString: esdb,
      readModels: { adapter: 'pglite', dataDir: '/var/kring' },
    });
    const other = 'postgres://kring@log:5432/log';
    expect(eventStoreConfigFromEnv({ KRING_EVENT_STORE: other, KRING_DATABASE_URL: pg })).toEqual({
      adapter: 'postgres',
      connectionString: other,
      readModels: { adapter: 'postgres', connectionString: pg },
    });
  });

  it('names the read models beside an SQL log, or apart from it', () => {
    expect(readModelsOf(eventStoreConfigFromEnv({ KRING_DATA_DIR: '/var/kring' }))).toEqual({ adapter: 'pglite', dataDir: '/var/kring' });
    expect(readModelsOf(eventStoreConfigFromEnv({ KRING_DATABASE_URL: pg }))).toEqual({ adapter: 'postgres', connectionString: pg });
    expect(readModelsOf(eventStoreConfigFromEnv({ KRING_EVENT_STORE: esdb }))).toEqual({ adapter: 'pglite', dataDir: resolve('./data') });
  });

  it('says where each lives, without credentials', () => {
    expect(
      describeEventStoreConfig(
        eventStoreConfigFromEnv({ KRING_EVENT_STORE: esdb, KRING_DATABASE_URL: 'postgres://kring:secret@db:5432/kring' }),
      ),
    ).toBe('EventStoreDB at esdb-1:2113,esdb-2:2113; read models: PostgreSQL at db:5432/kring');
  });
});
