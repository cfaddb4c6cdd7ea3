import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { DomainError } from '@kring/domain';
import { GraphQLError } from 'graphql';
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

/**
 * Turns a refused command into the error codes of the contract; every refusal means nothing was written.
 * GraphQLErrors we raise ourselves (bad input, no token) pass through unchanged: they are answers to the
 * client, not server faults, so Nest must not log them as errors.
 */
@Catch(DomainError, StreamContentionError, StaleReadModelError, GraphQLError)
export class ClientErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('Commands');

  catch(error: DomainError | StreamContentionError | StaleReadModelError | GraphQLError, host: ArgumentsHost): GraphQLError {
    void host;
    if (error instanceof GraphQLError) return error;
    if (error instanceof StaleReadModelError) return new GraphQLError(error.message, { extensions: { code: 'STALE_READ_MODEL' } });
    if (error instanceof StreamContentionError) {
      this.logger.warn(error.message);
      return new GraphQLError(error.message, { extensions: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' } });
    }
    if (error.kind === 'INVALID') return badUserInput({ [error.field ?? 'input']: [error.message] });
    return new GraphQLError(error.message, { extensions: { code: error.kind } });
  }
}
