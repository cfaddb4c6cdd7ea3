import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AuthConfig } from '../auth/auth-config';
import { signDevToken } from '../auth/dev-token';
import { AUTH_CONFIG } from '../auth/token-verifier';
import { DemoActor, DemoOptions, writeDemoHistory } from './demo-history';

const TOKEN_SECONDS = 3600;

/** How many mutations a history has: written to nowhere first (the history does not depend on the ids it gets back). */
export function countDemoMutations(options: DemoOptions): Promise<number> {
  let dry = 0;
  return writeDemoHistory(options, async () => `dry-${++dry}`);
}

export class DemoRefusedError extends Error {}

/**
 * Writes a demo history through the API's own GraphQL endpoint (Fastify's request cycle, without a
 * socket): tokens, authorisation, validation, idempotency and the methods' rules all apply. A request
 * held back by the rate limit waits as long as the API says and goes again (same command id, so
 * nothing twice). Anything else refused stops the load with the API's own words.
 */
export async function loadDemo(app: NestFastifyApplication, options: DemoOptions, onProgress?: (sent: number) => void): Promise<number> {
  const config = app.get<AuthConfig>(AUTH_CONFIG, { strict: false });
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (actor: DemoActor) => {
    if (!tokens.has(actor.sub)) tokens.set(actor.sub, signDevToken(config, actor, TOKEN_SECONDS));
    return tokens.get(actor.sub)!;
  };
  const schema = app.get(GraphQLSchemaHost, { strict: false }).schema;
  let sent = 0;
  return writeDemoHistory(options, async (mutation, input, actor) => {
    // The input's type as the served schema names it (scaleDownSupport and scaleUpSupport share one).
    const inputType = String(schema.getMutationType()?.getFields()[mutation]?.args[0]?.type);
    const query = `mutation($input: ${inputType}) { ${mutation}(input: $input) { id } }`;
    for (;;) {
      const response = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(actor)}` },
        payload: JSON.stringify({ query, variables: { input } }),
      });
      const answer = response.json<{
        data?: Record<string, { id: string } | null> | null;
        errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
      }>();
      const [error] = answer.errors ?? [];
      if (error?.extensions?.code === 'RATE_LIMITED') {
        await new Promise((resolve) => setTimeout(resolve, (error.extensions?.retryAfterSeconds ?? 1) * 1000));
        continue;
      }
      const result = answer.data?.[mutation];
      if (!result) throw new DemoRefusedError(`The API refused the demo's ${mutation}: ${error?.message ?? `HTTP ${response.statusCode}`}`);
      onProgress?.(++sent);
      return result.id;
    }
  });
}
