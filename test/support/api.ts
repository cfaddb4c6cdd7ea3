import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { EventStore } from '@kring/event-store';
import { AppModule } from '../../apps/api/src/app.module';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import type { FreshStore, StoreTarget } from './targets';

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; fields?: Record<string, string[]> } & Record<string, unknown>;
}
export interface GraphqlResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: GraphqlError[];
}

/** The real Nest app on a fresh store, listening on a free port, with a way to sign tokens it accepts. */
export interface RunningApi {
  url: string;
  app: INestApplication;
  store: EventStore;
  token(sub: string, roles: string[], options?: { name?: string; expiresIn?: string; secret?: string }): Promise<string>;
  graphql<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<Data>>;
  close(): Promise<void>;
}

const secret = randomBytes(24).toString('base64url');

export async function signToken(
  sub: string,
  roles: string[],
  options: { name?: string; expiresIn?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT({ roles, ...(options.name ? { name: options.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? secret));
}

export async function startApi(target: StoreTarget, label: string): Promise<RunningApi> {
  const fresh: FreshStore = await target.fresh(label);
  Object.assign(process.env, {
    KRING_DATABASE_URL: '',
    KRING_DATA_DIR: '',
    KRING_AUTH_JWKS_URL: '',
    KRING_AUTH_SECRET: secret,
    ...fresh.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    url,
    app,
    store: app.get<EventStore>(EVENT_STORE),
    token: signToken,
    async graphql<Data>(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlResponse<Data>;
    },
    async close() {
      await app.close();
      await fresh.dispose();
    },
  };
}
