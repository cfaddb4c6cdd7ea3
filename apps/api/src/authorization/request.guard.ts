import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { isPurpose, PURPOSES } from '@kring/domain';
import { GraphQLError, GraphQLResolveInfo } from 'graphql';
import { Caller, GuardedRequest, usualPurposeOf } from '../auth/caller';
import { RateLimiter } from '../auth/rate-limiter';
import { InvalidTokenError, TokenVerifier } from '../auth/token-verifier';
import { uncleanText } from '../graphql/clean-text';
import { badUserInput } from '../graphql/errors';
import { correlationIdFrom, requestCorrelationId } from '../logging/logging.module';
import type { Args } from './access-rules';
import { Authorizer } from './authorizer';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * The one door of every GraphQL operation (queries, mutations, subscriptions): a valid bearer token,
 * the rate limit, clean text in every argument, and the access rules. HTTP endpoints such as /health
 * do not pass through it.
 */
@Injectable()
export class RequestGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly limiter: RateLimiter,
    private readonly authorizer: Authorizer,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (!ROOT_TYPES.has(info.parentType.name)) return true; // fields of answers were decided with their operation
    const request = gql.getContext<{ req: GuardedRequest }>().req;
    // Once per request, however many operations it holds.
    request.caller ??= await this.authenticate(request);
    const args = gql.getArgs<Args>();
    // Fields named as class-validator names them: those of a mutation's `input` without the prefix.
    const unclean = Object.entries(args).reduce((found, [name, value]) => uncleanText(value, name === 'input' ? '' : name, found), {});
    if (Object.keys(unclean).length > 0) throw badUserInput(unclean);
    const coordinate = `${info.parentType.name}.${info.fieldName}`;
    const listScope = await this.authorizer.authorize(request, coordinate, args);
    if (listScope) (request.listScopes ??= new Map()).set(coordinate, listScope);
    return true;
  }

  private async authenticate(request: GuardedRequest): Promise<Caller> {
    let actor;
    try {
      actor = await this.verifier.verify(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      await this.limiter.take(`address:${(request as { ip?: string }).ip ?? 'unknown'}`);
      throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED' } });
    }
    await this.limiter.take(`actor:${actor.id}`);
    // The request log's id for HTTP; a subscription's own header otherwise.
    const correlationId = requestCorrelationId(request) ?? correlationIdFrom(request.headers['x-correlation-id']);
    const given = request.headers['x-kring-purpose'];
    if (given !== undefined && (typeof given !== 'string' || !isPurpose(given)))
      throw badUserInput({ purpose: [`X-Kring-Purpose must be one of ${Object.keys(PURPOSES).join(', ')}`] });
    // Every use is in the access log with its purpose; an emergency also here, so it is seen the same day.
    if (given === 'emergency') this.logger.warn(`emergency purpose (noodtoegang) declared by ${actor.id}, correlation id ${correlationId}`);
    return { actor, correlationId, purpose: given ?? usualPurposeOf(actor) };
  }
}
