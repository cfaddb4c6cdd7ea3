import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { GqlArgumentsHost, GqlExceptionFilter } from '@nestjs/graphql';
import { DomainError } from '@kring/domain';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { StaleReadModelError } from '@kring/projections';
import { StreamContentionError } from '../commands/command-runner';

/** Field path → messages, so a form can show each message next to its field. */
export type FieldErrors = Record<string, string[]>;

export function badUserInput(fields: FieldErrors): GraphQLError {
  const summary = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
    .join(' | ');
  return new GraphQLError(`Invalid input (nothing was written): ${summary}`, { extensions: { code: 'BAD_USER_INPUT', fields } });
}

/** Codes that answer the client about its own request; any other error is the server's, and says nothing of itself. */
const CLIENT_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'STALE_READ_MODEL',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const logger = new Logger('Errors');

/**
 * What the client and the server log get of an unexpected error: the client a correlation id and no
 * detail (no message from the database or the code, no stack, no path); the log the error's kind,
 * SQLSTATE and stack frames, but not its message, which may quote the data it failed on.
 */
function internalError(error: unknown, correlationId: string = randomUUID()): GraphQLError {
  const { name = 'Error', code, stack = '' } = (error ?? {}) as { name?: string; code?: unknown; stack?: string };
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  logger.error(`${name}${typeof code === 'string' ? ` (code ${code})` : ''}, correlation id ${correlationId}\n${frames.join('\n')}`);
  return new GraphQLError(`Internal server error (correlation id ${correlationId}); the server log has the details`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
  });
}

/** Apollo's last word on every error (also those raised outside resolvers): a server fault is masked as above. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
  // graphql-js's own word on the request itself (e.g. too many invalid variables), before anything ran: it has no path.
  if (formatted.path === undefined && error instanceof GraphQLError && error.originalError === undefined)
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  if (code === 'INTERNAL_SERVER_ERROR' && typeof formatted.extensions?.correlationId === 'string') return formatted;
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const masked = internalError(original);
  return { message: masked.message, path: formatted.path, extensions: masked.extensions };
}

/**
 * Turns a refused command into the error codes of the contract; every refusal means nothing was written.
 * GraphQLErrors we raise ourselves (bad input, no token) pass through unchanged: they are answers to the
 * client, not server faults, so Nest must not log them as errors. Anything else is a server fault.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('Commands');

  constructor(adapter: HttpAdapterHost) {
    super(adapter.httpAdapter);
  }

  override catch(error: unknown, host: ArgumentsHost): GraphQLError | void {
    // Plain HTTP routes (the page at /, health) answer as Nest does: 404 for a missing file, and so on.
    if (host.getType<string>() !== 'graphql') return super.catch(error, host);
    if (error instanceof GraphQLError) return error;
    if (error instanceof StaleReadModelError) return new GraphQLError(error.message, { extensions: { code: 'STALE_READ_MODEL' } });
    if (error instanceof StreamContentionError) {
      this.logger.warn(error.message);
      return new GraphQLError(error.message, { extensions: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' } });
    }
    if (error instanceof DomainError) {
      if (error.kind === 'INVALID') return badUserInput({ [error.field ?? 'input']: [error.message] });
      return new GraphQLError(error.message, { extensions: { code: error.kind } });
    }
    const request = GqlArgumentsHost.create(host).getContext<{ req?: { caller?: { correlationId?: string } } }>()?.req;
    return internalError(error, request?.caller?.correlationId);
  }
}
