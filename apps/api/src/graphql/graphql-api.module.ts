import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ClientErrorFilter } from './errors';
import { inputValidation, NullsAsAbsentPipe } from './validation';

/** POST /graphql, schema built code-first from the resolvers; the contract copy in the repo guards it. */
@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      playground: false,
      // Clients get the code and message; stack traces stay in the server log.
      includeStacktraceInErrorResponses: false,
      context: ({ req }: { req: unknown }) => ({ req }),
    }),
  ],
  providers: [
    // Order matters: nulls become absent before class-validator sees the input.
    { provide: APP_PIPE, useClass: NullsAsAbsentPipe },
    { provide: APP_PIPE, useValue: inputValidation },
    { provide: APP_FILTER, useClass: ClientErrorFilter },
  ],
})
export class GraphqlApiModule {}
