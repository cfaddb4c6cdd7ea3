import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { badUserInput } from '../graphql/errors';
import { Role } from './role';
import { AuthenticatedActor, InvalidTokenError, TokenVerifier } from './token-verifier';

/** Who called, why, and the correlation id that ties everything this request causes together. */
export interface Caller {
  actor: AuthenticatedActor;
  correlationId: string;
  /** The `X-Kring-Purpose` header, or the usual purpose of the actor's role: the access log records it (NEN 7513). */
  purpose: string;
}

type AuthenticatedRequest = IncomingMessage & { caller?: Caller };

const CORRELATION_ID = /^[\w.:-]{1,128}$/;
const PURPOSE = /^[^\p{Cc}]{1,200}$/u;

/** Why someone in this role reads or records, when the client does not say: the first role that applies. */
const PURPOSE_OF_ROLE: ReadonlyArray<[Role, string]> = [
  [Role.FACILITATOR, 'care'],
  [Role.PROJECT_LEADER, 'management'],
  [Role.AUDITOR, 'audit'],
  [Role.EVALUATOR, 'evaluation'],
];

function purposeOf(actor: AuthenticatedActor, given: string | string[] | undefined): string {
  if (typeof given === 'string') {
    const purpose = given.trim();
    if (!PURPOSE.test(purpose)) throw badUserInput({ purpose: ['X-Kring-Purpose must be 1 to 200 characters without control characters'] });
    return purpose;
  }
  return PURPOSE_OF_ROLE.find(([role]) => actor.roles.includes(role))?.[1] ?? 'unspecified';
}

function requestOf(context: ExecutionContext): AuthenticatedRequest {
  return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
}

/** Every GraphQL operation needs a valid bearer token (HTTP endpoints such as /health do not). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const request = requestOf(context);
    if (request.caller) return true; // verified once per request, not once per field
    try {
      const actor = await this.verifier.verify(request.headers.authorization);
      const given = request.headers['x-correlation-id'];
      request.caller = {
        actor,
        correlationId: typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID(),
        purpose: purposeOf(actor, request.headers['x-kring-purpose']),
      };
      return true;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED' } });
      throw error;
    }
  }
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = requestOf(context).caller;
  if (!caller) throw new Error('CurrentCaller used on an operation the AuthGuard did not check');
  return caller;
});
