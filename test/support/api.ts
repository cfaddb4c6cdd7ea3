import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { EventStore } from '@kring/event-store';
import { AppModule } from '../../apps/api/src/app.module';
import { Clock } from '../../apps/api/src/clock/clock.module';
import { httpAdapter } from '../../apps/api/src/http-adapter';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { GraphqlClient, graphqlClient, signToken, TEST_AUTH_SECRET, TEST_MASTER_KEY } from './graphql-client';
import type { FreshStore, StoreTarget } from './targets';

/** The real Nest app on a fresh store, listening on a free port, with a way to sign tokens it accepts. */
export interface RunningApi extends GraphqlClient {
  url: string;
  app: INestApplication;
  store: EventStore;
  /** The store it runs on (its configuration and environment), to open it again once the API has stopped. */
  fresh: FreshStore;
  token: typeof signToken;
  /** The API's clock: set it to ask "today" questions at a date. */
  clock: TestClock;
  /** Stops the API and keeps its store. */
  stop(): Promise<void>;
  /** Stops the API (if running) and removes its store. */
  close(): Promise<void>;
}

/** The system clock until a test sets a date (and after it sets none again). */
export class TestClock extends Clock {
  private at?: Date;

  set(instant: Date | undefined): void {
    this.at = instant;
  }

  override now(): Date {
    return this.at ? new Date(this.at) : super.now();
  }
}

/** The environment the test run started with: every API starts from it, so one test's settings never leak into the next. */
const STARTING_ENV = { ...process.env };

function resetSettings(): void {
  for (const name of Object.keys(process.env))
    if (name.startsWith('KRING_') || name === 'NODE_ENV') {
      if (STARTING_ENV[name] === undefined) delete process.env[name];
      else process.env[name] = STARTING_ENV[name];
    }
}

export async function startApi(target: StoreTarget, label: string, env: Record<string, string> = {}): Promise<RunningApi> {
  const fresh = await target.fresh(label);
  resetSettings();
  Object.assign(process.env, {
    KRING_DATABASE_URL: '',
    KRING_DATA_DIR: '',
    KRING_AUTH_JWKS_URL: '',
    KRING_AUTH_SECRET: TEST_AUTH_SECRET,
    KRING_MASTER_KEY: TEST_MASTER_KEY,
    // Suites send hundreds of requests a minute with one token; the limit itself has a test of its own.
    KRING_RATE_LIMIT: '1000000',
    ...env,
    ...fresh.env,
  });
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= app.close());
  return {
    url,
    app,
    store: app.get<EventStore>(EVENT_STORE),
    fresh,
    token: signToken,
    clock,
    ...graphqlClient(url),
    stop,
    async close() {
      await stop();
      await fresh.dispose();
    },
  };
}
