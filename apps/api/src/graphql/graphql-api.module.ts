import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ClientErrorFilter, formatError } from './errors';
import { introspectionEnabled, LIMITS, protection, subscriptionChecks } from './limits';
import { inputValidation, CleanArgumentsPipe } from './validation';
import { requestLogPlugin } from '../logging/logging.module';

/**
 * HTTP requests carry their headers (Apollo's Fastify integration passes the request itself); a graphql-ws
 * subscription carries the same in its connection payload ({ Authorization: 'Bearer …' }), which we
 * present as headers so one guard checks both.
 */
function contextOf(context: { headers?: unknown; connectionParams?: Record<string, unknown> }): { req: unknown } {
  if (context.headers) return { req: context };
  const params = context.connectionParams ?? {};
  const header = (name: string) => params[name] ?? params[name.toLowerCase()];
  return {
    req: {
      headers: {
        authorization: header('Authorization'),
        'x-correlation-id': header('X-Correlation-Id'),
        'x-kring-purpose': header('X-Kring-Purpose'),
      },
    },
  };
}

/** POST /graphql, schema built code-first from the resolvers; the contract copy in the repo guards it. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      useFactory: () => {
        const introspection = introspectionEnabled();
        const { plugins, validationRules } = protection(introspection);
        return {
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection,
          plugins: [...plugins, requestLogPlugin],
          validationRules,
          parseOptions: { maxTokens: LIMITS.tokens },
          allowBatchedHttpRequests: false,
          // Clients get the code and a message; stack traces and internal messages stay out of answers.
          includeStacktraceInErrorResponses: false,
          formatError,
          context: contextOf,
          // Subscriptions speak graphql-ws at the same path; the token comes in the connection's payload.
          subscriptions: { 'graphql-ws': { path: '/graphql', ...subscriptionChecks(validationRules) } },
        };
      },
    }),
  ],
  providers: [
    // Order matters: nulls become absent and text normal before class-validator sees the input.
    { provide: APP_PIPE, useClass: CleanArgumentsPipe },
    { provide: APP_PIPE, useValue: inputValidation },
    { provide: APP_FILTER, useClass: ClientErrorFilter },
  ],
})
export class GraphqlApiModule {}
