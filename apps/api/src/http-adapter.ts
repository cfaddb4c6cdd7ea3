import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LIMITS } from './graphql/limits';
import { correlationIdFrom } from './logging/logging.module';

/**
 * Fastify rather than Express under Nest and Apollo: the HTTP layer is most of a command's cost, and
 * Fastify's is about half of Express's. A body over the limit is refused with 413 before it is read
 * whole. The server and the end-to-end tests use the same adapter.
 */
export function httpAdapter(): FastifyAdapter {
  // Each request's id is its correlation id (the caller's, when it is a plain token): logs, events and the answer share it.
  const adapter = new FastifyAdapter({
    bodyLimit: LIMITS.bodyBytes,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => correlationIdFrom(request.headers['x-correlation-id']),
  });
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  return adapter;
}
