import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { EventStore } from '@kring/event-store';
import { AppModule } from '../../apps/api/src/app.module';
import { httpAdapter } from '../../apps/api/src/http-adapter';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { GraphqlClient, graphqlClient, signToken, TEST_AUTH_SECRET } from './graphql-client';
import type { StoreTarget } from './targets';

/** The real Nest app on a fresh store, listening on a free port, with a way to sign tokens it accepts. */
export interface RunningApi extends GraphqlClient {
  url: string;
  app: INestApplication;
  store: EventStore;
  token: typeof signToken;
  close(): Promise<void>;
}

export async function startApi(target: StoreTarget, label: string): Promise<RunningApi> {
  const fresh = await target.fresh(label);
  Object.assign(process.env, {
    KRING_DATABASE_URL: '',
    KRING_DATA_DIR: '',
    KRING_AUTH_JWKS_URL: '',
    KRING_AUTH_SECRET: TEST_AUTH_SECRET,
    ...fresh.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    url,
    app,
    store: app.get<EventStore>(EVENT_STORE),
    token: signToken,
    ...graphqlClient(url),
    async close() {
      await app.close();
      await fresh.dispose();
    },
  };
}
