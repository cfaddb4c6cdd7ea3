import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LIMITS } from './graphql/limits';

/**
 * Fastify rather than Express under Nest and Apollo: the HTTP layer is most of a command's cost, and
 * Fastify's is about half of Express's. A body over the limit is refused with 413 before it is read
 * whole. The server and the end-to-end tests use the same adapter.
 */
export const httpAdapter = (): FastifyAdapter => new FastifyAdapter({ bodyLimit: LIMITS.bodyBytes });
