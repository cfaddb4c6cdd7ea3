/**
 * Logs with pino (nestjs-pino): one JSON object per line in production, readable lines in a terminal.
 * Every HTTP request makes one line when it ends, with its GraphQL operation, outcome (OK or the first
 * error's code), duration and correlation id; the correlation id is the caller's X-Correlation-Id when
 * it is a plain token, else a new one (Fastify's request id, see http-adapter.ts), and it is returned
 * in the response's X-Correlation-Id header.
 * Never personal data: no bodies, variables, query strings or headers (a token names a person) are logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { LoggerModule } from 'nestjs-pino';

const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/** The caller's correlation id when it is a plain token (letters, digits, . _ : -), else a new one. */
export const correlationIdFrom = (header: unknown): string =>
  typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();

/** What the GraphQL layer tells the request log about a request. */
interface GraphqlOutcome {
  operation: string | null;
  outcome: string;
}
type LoggedRequest = IncomingMessage & { graphql?: GraphqlOutcome };

/** The correlation id of this HTTP request (Fastify's request id), if any: events and log lines then share it. */
export const requestCorrelationId = (request: object): string | undefined => {
  const id = (rawOf(request) as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
};

/** Node's own request under Fastify's (Fastify gives both the same id). */
const rawOf = (request: object): LoggedRequest => ('raw' in request ? request.raw : request) as LoggedRequest;

/** Hands each GraphQL request's operation name and outcome to its request-log line. */
export const requestLogPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, operationName, response }) {
        // The context holds the HTTP request (see graphql-api.module); a subscription's has no raw request.
        const { req } = contextValue as { req?: object };
        if (!req) return;
        const raw = rawOf(req);
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        const code = errors?.[0]?.extensions?.code;
        raw.graphql = { operation: operationName ?? null, outcome: errors ? (typeof code === 'string' ? code : 'ERROR') : 'OK' };
      },
    };
  },
};

/** Readable lines when a person watches (a terminal, not production); JSON lines for log collectors otherwise. */
const readable = (env: NodeJS.ProcessEnv): boolean => env.NODE_ENV !== 'production' && process.stdout.isTTY === true;

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: process.env.NODE_ENV === 'test' ? 'warn' : 'info',
        transport: readable(process.env)
          ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
          : undefined,
        // Fastify named the request (http-adapter.ts): its id is the correlation id.
        customProps: (req: IncomingMessage) => ({ correlationId: (req as { id?: unknown }).id }),
        customAttributeKeys: { responseTime: 'ms' },
        // The request line itself: where it went and how it ended, nothing a person wrote.
        serializers: {
          req: (req: { method?: string; url?: string }) => ({ method: req.method, path: req.url?.split('?')[0] }),
          res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
        },
        customSuccessObject: (req: IncomingMessage, _res: ServerResponse, line: object) => ({ ...line, ...(req as LoggedRequest).graphql }),
        customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => {
          const { graphql } = req as LoggedRequest;
          return graphql ? `${graphql.operation ?? 'anonymous operation'}: ${graphql.outcome}` : `${req.method} ${res.statusCode}`;
        },
        // Health checks every few seconds would drown the rest; so would the demo's hundreds of requests the
        // process makes to itself (Fastify's inject, as the demo and the kring CLI use it), which no client sent.
        autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.headers['user-agent'] === 'lightMyRequest' },
      },
    }),
  ],
})
export class LoggingModule {}
