import { Args, Context, Int, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import {
  contactDocs,
  countPeriods,
  dayOf,
  doublingOf,
  FORGOTTEN,
  growthOf,
  isCurrent,
  isShrinking,
  meetingDocs,
  MemberDoc,
  memberDocs,
  NetworkDoc,
  networkDocs,
  networksProjection,
  notFound,
  periodsBack,
  sizeOf,
} from '@kring/domain';
import { PersonalData } from '../access/personal-data';
import { callerOf, CurrentListScope, type ListScope } from '../auth/caller';
import { Authorizer } from '../authorization/authorizer';
import { Clock } from '../clock/clock.module';
import { badUserInput } from '../graphql/errors';
import { ReadModels } from '../read-models/read-models';
import { NetworkChanges } from './network-changes';
import { NetworkLoaderFactory } from './network.loaders';
import {
  DoublingStep,
  GrowthPoint,
  Member,
  Network,
  NetworkArgs,
  NetworkChangedArgs,
  NetworkGrowthArgs,
  NetworksArgs,
  ShrinkingNetworksArgs,
  SupportPlan,
} from './network.views';

/** Weekly periods over twenty years; beyond that a request is a mistake, not a question. */
const MAX_PERIODS = 1100;

type Request = object;

@Resolver(() => Network)
export class NetworkQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly loaders: NetworkLoaderFactory,
    private readonly changes: NetworkChanges,
    private readonly personal: PersonalData,
    private readonly authorizer: Authorizer,
    private readonly clock: Clock,
  ) {}

  @Query(() => Network, { nullable: true, description: 'NOT_FOUND when the id names no network' })
  async network(@Args() { id, after }: NetworkArgs): Promise<NetworkDoc> {
    const [doc] = await this.readModels.read(networksProjection, { after }, (view) => view.byKeys(networkDocs, [id]));
    // One rule for unknown ids (README): a query for one thing by its id answers NOT_FOUND, as a command does.
    if (!doc) throw notFound(`network ${id} does not exist`);
    return doc;
  }

  @Query(() => [Network], { description: 'a facilitator sees the networks they facilitate' })
  async networks(@Args() { municipality, method, after }: NetworksArgs, @CurrentListScope() scope: ListScope): Promise<NetworkDoc[]> {
    const networks = await this.readModels.read(networksProjection, { after }, (view) =>
      view.documents(networkDocs, { municipality, method }),
    );
    return visibleNetworks(networks, scope);
  }

  @Query(() => [GrowthPoint], {
    description: 'dates inside events (joinedOn, heldOn, on) place them in periods; asOf limits which events count',
  })
  networkGrowth(@Args() { networkId, interval, from, to, asOf, after }: NetworkGrowthArgs): Promise<GrowthPoint[]> {
    if (from && to && from > to) throw badUserInput({ from: ['from must not be after to'] });
    return this.readModels.read(networksProjection, { after, asOf }, async (view) => {
      const [network] = await view.byKeys(networkDocs, [networkId]);
      if (!network) throw notFound(`network ${networkId} does not exist${asOf ? ' at that instant' : ''}`);
      const start = from ?? network.startedOn;
      const end = to ?? (asOf ? dayOf(asOf) : this.clock.today());
      if (countPeriods(start, end, interval, MAX_PERIODS) > MAX_PERIODS)
        throw badUserInput({ from: [`at most ${MAX_PERIODS} periods per request`] });
      const ofNetwork = { network_id: networkId };
      const [members, meetings, contacts] = await Promise.all([
        view.documents(memberDocs, ofNetwork),
        view.documents(meetingDocs, ofNetwork),
        view.documents(contactDocs, ofNetwork),
      ]);
      return growthOf({ members, meetings, contacts, interval, from: start, to: end });
    });
  }

  @Query(() => [Network], {
    description: 'open networks whose size fell at the end of each of the last three periods: they need new members',
  })
  shrinkingNetworks(
    @Args() { interval, municipality, after }: ShrinkingNetworksArgs,
    @Context('req') request: Request,
    @CurrentListScope() scope: ListScope,
  ): Promise<NetworkDoc[]> {
    return this.readModels.read(networksProjection, { after }, async (view) => {
      const open = visibleNetworks(await view.documents(networkDocs, { municipality }), scope).filter((n) => n.closedOn === null);
      const today = this.clock.today();
      const from = periodsBack(today, interval, 2);
      const members = await this.loaders.for(request).members.loadMany(open.map((n) => n.id));
      return open.filter((_, i) => {
        const found = members[i];
        return (
          !(found instanceof Error) && isShrinking(growthOf({ members: found, meetings: [], contacts: [], interval, from, to: today }))
        );
      });
    });
  }

  @ResolveField(() => [Member])
  async members(
    @Parent() network: NetworkDoc,
    @Args('includeFormer', { type: () => Boolean, nullable: true, defaultValue: false }) includeFormer: boolean | null,
    @Context('req') request: Request,
  ): Promise<MemberDoc[]> {
    const members = await this.loaders.for(request).members.load(network.id);
    return includeFormer === true ? members : members.filter(isCurrent);
  }

  @ResolveField(() => Int, { description: 'current members (all roles except PROFESSIONAL)' })
  async size(@Parent() network: NetworkDoc, @Context('req') request: Request): Promise<number> {
    return sizeOf(await this.loaders.for(request).members.load(network.id));
  }

  @ResolveField(() => Int)
  async neighboursInvolved(@Parent() network: NetworkDoc, @Context('req') request: Request): Promise<number> {
    return (await this.loaders.for(request).members.load(network.id)).filter((m) => m.neighbourSince !== null).length;
  }

  @ResolveField(() => [Member], {
    description: 'current members who missed at least `inARow` meetings in a row (default 2): time for a call',
  })
  async membersMissingMeetings(
    @Parent() network: NetworkDoc,
    @Args('inARow', { type: () => Int, nullable: true, defaultValue: 2 }) inARow: number | null,
    @Context('req') request: Request,
  ): Promise<MemberDoc[]> {
    const members = await this.loaders.for(request).members.load(network.id);
    return members.filter((m) => isCurrent(m) && m.meetingsMissedInARow >= Math.max(1, inARow ?? 2));
  }

  @ResolveField(() => [DoublingStep], { description: 'members after meeting n / members after meeting n-1 (Samenkracht doubling)' })
  async doubling(@Parent() network: NetworkDoc, @Context('req') request: Request): Promise<DoublingStep[]> {
    const loaders = this.loaders.for(request);
    const [members, meetings] = await Promise.all([loaders.members.load(network.id), loaders.meetings.load(network.id)]);
    return doublingOf(members, meetings);
  }

  @ResolveField(() => SupportPlan, {
    nullable: true,
    description: "the support circle's current plan; null for a role that sees no personal data",
  })
  async plan(@Parent() network: NetworkDoc, @Context('req') request: Request): Promise<SupportPlan | null> {
    if (!network.plan || !network.focalParticipantId || !this.personal.mayReveal(request)) return null;
    const { agreements: stored, ...plan } = network.plan;
    // The tasks are the resident's plan: theirs to read in the access log.
    const tasks = await this.personal.reveal(
      request,
      { subjectId: network.focalParticipantId, what: 'Network.plan' },
      stored.map((a) => a.task),
    );
    const agreements = stored.map((agreement, i) => ({ ...agreement, task: tasks[i] ?? '' }));
    return { ...plan, agreements, openAgreements: agreements.filter((a) => a.completedOn === null) };
  }

  @Subscription(() => Network, { description: 'after each projected event that touches the network, while the caller may see it' })
  networkChanged(@Args() args: NetworkChangedArgs, @Context('req') request: Request): AsyncIterableIterator<unknown> {
    const caller = callerOf(request);
    // A facilitator replaced meanwhile no longer sees the network: their subscription ends.
    return this.changes.subscribe(args.networkId, (position) =>
      this.authorizer.allows(caller, 'Subscription.networkChanged', { ...args, after: position }),
    );
  }
}

/** A facilitator's lists show only the networks they facilitate. */
function visibleNetworks(networks: NetworkDoc[], scope: ListScope): NetworkDoc[] {
  return scope === 'everything' ? networks : networks.filter((network) => scope.networks.has(network.id));
}

@Resolver(() => Member)
export class MemberFields {
  constructor(
    private readonly loaders: NetworkLoaderFactory,
    private readonly personal: PersonalData,
  ) {}

  @ResolveField(() => String, { nullable: true, description: 'null for EVALUATOR, and "[vergeten]" once the participant is forgotten' })
  async displayName(@Parent() member: MemberDoc, @Context('req') request: Request): Promise<string | null> {
    // Evaluators see pseudonymised figures only, never names.
    if (!this.personal.mayReveal(request)) return null;
    const person = await this.loaders.for(request).people.load(member.participantId);
    if (!person) return null;
    if (person.forgotten) return FORGOTTEN;
    const [name] = await this.personal.reveal(request, { subjectId: member.participantId, what: 'Network.members.displayName' }, [
      person.displayName,
    ]);
    return name;
  }
}
