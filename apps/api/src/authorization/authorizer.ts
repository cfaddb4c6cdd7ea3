import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@kring/event-store';
import { GraphQLError } from 'graphql';
import { AccessRecorder } from '../access/access-recorder';
import { callerOf, type Caller, type ListScope } from '../auth/caller';
import { EVENT_STORE } from '../event-store/event-store.module';
import { Args, Reach, ruleOf, subjectOfCall } from './access-rules';
import { ScopeLookup } from './scope';

/**
 * Applies ACCESS_RULES to one call. A facilitator's scope is read from the scope read model: an
 * allowed call is decided on it as it stands (it trails the log by a few milliseconds), a refusal
 * only on everything the log held when the call was decided, so that a facilitator assigned a
 * moment ago is never refused. A refusal is recorded in the access log, then answered FORBIDDEN,
 * naming no data.
 */
@Injectable()
export class Authorizer {
  constructor(
    private readonly scope: ScopeLookup,
    private readonly access: AccessRecorder,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Throws FORBIDDEN unless the caller may make this call. Answers what a list may show (everything, or
   * the facilitator's reach); undefined for a call on one network or person within scope.
   */
  async authorize(request: object, coordinate: string, args: Args): Promise<ListScope | undefined> {
    const caller = callerOf(request);
    const reach = this.reachOf(caller, coordinate);
    if (reach === 'everything') return 'everything';
    if (reach === 'own lists') return this.scope.reachOf(caller.actor.id, afterOf(args));
    if (reach === 'scoped' && (await this.inScope(caller, coordinate, args))) return undefined;
    const [type, operation] = coordinate.split('.');
    const action = type === 'Mutation' ? (ruleOf(coordinate)?.action ?? 'UPDATE') : 'READ';
    await this.access.refused(request, { subjectId: subjectOfCall(args), what: operation, action });
    const why =
      reach === 'scoped'
        ? 'on a network or person outside your scope'
        : `with the role${caller.actor.roles.length === 1 ? '' : 's'} ${caller.actor.roles.join(', ') || '(none)'}`;
    throw new GraphQLError(`Not allowed: you may not use ${operation} ${why}`, { extensions: { code: 'FORBIDDEN' } });
  }

  /** Whether the caller may make this call now (a subscription asks again before every push). */
  async allows(caller: Caller, coordinate: string, args: Args): Promise<boolean> {
    const reach = this.reachOf(caller, coordinate);
    return reach === 'everything' || reach === 'own lists' || (reach === 'scoped' && (await this.inScope(caller, coordinate, args)));
  }

  /** The widest reach any of the caller's roles has with this operation; undefined: none of them may. */
  private reachOf(caller: Caller, coordinate: string): Reach | undefined {
    const rule = ruleOf(coordinate);
    if (!rule) return undefined;
    const reaches = caller.actor.roles.map((role) => rule.roles[role]);
    return (['everything', 'own lists', 'scoped'] as const).find((reach) => reaches.includes(reach));
  }

  private async inScope(caller: Caller, coordinate: string, args: Args): Promise<boolean> {
    const on = ruleOf(coordinate)?.on;
    if (!on) return false; // a scoped rule must say what it is scoped to
    const targets = on(args);
    // What the scope had applied when it was read (at least): a refusal on less than the head is asked again.
    const seen = this.scope.checkpoint;
    if (await this.scope.reachesAll(caller.actor.id, targets, afterOf(args))) return true;
    const head = await this.store.headPosition();
    return seen < head && this.scope.reachesAll(caller.actor.id, targets, head);
  }
}

/** A query's `after` (read-your-writes) applies to the scope it is decided on, too. */
const afterOf = (args: Args): bigint | undefined => (typeof args.after === 'bigint' ? args.after : undefined);
