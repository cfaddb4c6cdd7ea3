import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { IncomingMessage } from 'node:http';
import type { Purpose } from '@kring/domain';
import { Role } from './role';
import type { AuthenticatedActor } from './token-verifier';

/** Who called, why, and the correlation id that ties everything this request causes together. */
export interface Caller {
  actor: AuthenticatedActor;
  correlationId: string;
  /** The `X-Kring-Purpose` header (one of PURPOSES), or the usual purpose of the actor's role: the access log records it (NEN 7513). */
  purpose: Purpose;
}

/** A GraphQL request as the guard leaves it: its caller, and per list operation what it may show. */
export type GuardedRequest = IncomingMessage & {
  caller?: Caller;
  /** Per operation (`Query.networks`): everything, or the facilitator's reach a list must be cut down to. */
  listScopes?: Map<string, ListScope>;
};

/** What a list may show: everything, or only these networks and people (a facilitator's reach). */
export type ListScope = 'everything' | { networks: ReadonlySet<string>; participants: ReadonlySet<string> };

/** Why someone in this role reads or records, when the client does not say: the first role that applies. */
const PURPOSE_OF_ROLE: ReadonlyArray<[Role, Purpose]> = [
  [Role.FACILITATOR, 'care'],
  [Role.PROJECT_LEADER, 'management'],
  [Role.AUDITOR, 'audit'],
  [Role.EVALUATOR, 'evaluation'],
];

export const usualPurposeOf = (actor: AuthenticatedActor): Purpose => PURPOSE_OF_ROLE.find(([role]) => actor.roles.includes(role))![1];

export function requestOf(context: ExecutionContext): GuardedRequest {
  return GqlExecutionContext.create(context).getContext<{ req: GuardedRequest }>().req;
}

export function callerOf(request: object): Caller {
  const caller = (request as GuardedRequest).caller;
  if (!caller) throw new Error('no caller: the request guard did not run for this operation');
  return caller;
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => callerOf(requestOf(context)));

/** What the list of this operation may show the caller, as the request guard decided. */
export const CurrentListScope = createParamDecorator((_: unknown, context: ExecutionContext): ListScope => {
  const info = GqlExecutionContext.create(context).getInfo<{ parentType: { name: string }; fieldName: string }>();
  const scope = requestOf(context).listScopes?.get(`${info.parentType.name}.${info.fieldName}`);
  if (!scope) throw new Error(`no list scope for ${info.parentType.name}.${info.fieldName}: the request guard did not run`);
  return scope;
});
