import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * Fastify rather than Express under Nest and Apollo: the HTTP layer is most of a command's cost, and
 * Fastify's is about half of Express's. The server and the end-to-end tests use the same adapter.
 */
export const httpAdapter = (): FastifyAdapter => new FastifyAdapter();
