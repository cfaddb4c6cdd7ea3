/**
 * Who may do what: every GraphQL operation, the roles that may use it, and for a FACILITATOR where.
 * Deny by default: an operation without a rule here is refused for everyone (and a test walks the
 * served schema so that none is forgotten). The RequestGuard enforces this table for every query,
 * mutation and subscription; resolvers do not check roles themselves.
 */
import type { AccessAction } from '@kring/domain';
import { Role } from '../auth/role';

/**
 * How far a role reaches with an operation:
 * - everything: every network and person;
 * - scoped: only when every target of the call is within the facilitator's scope (networks they
 *   facilitate now, their members now, people they registered);
 * - own lists: a list, cut down by the resolver to what is within that scope.
 */
export type Reach = 'everything' | 'scoped' | 'own lists';

/** What one call acts on, taken from its arguments: the network, person or referral a facilitator must reach. */
export type Target = { network: unknown } | { participant: unknown } | { referral: unknown };

export type Args = Record<string, unknown>;

export interface Rule {
  roles: Partial<Record<Role, Reach>>;
  /** The targets of a call (for `scoped`): all of them must be within the caller's scope. */
  on?: (args: Args) => Target[];
  /** What a refused mutation would have done to a person's data, for its access-log entry (default UPDATE). */
  action?: AccessAction;
}

/** Who may see personal data (names, free text) at all; an EVALUATOR or AUDITOR never does. */
export const PERSONAL_DATA_READERS: readonly Role[] = [Role.PROJECT_LEADER, Role.FACILITATOR];

const input = (args: Args): Args => (typeof args.input === 'object' && args.input !== null ? (args.input as Args) : {});
const network = (id: unknown): Target => ({ network: id });
const participant = (id: unknown): Target => ({ participant: id });

const LEADER: Rule['roles'] = { [Role.PROJECT_LEADER]: 'everything' };
/** Staff work: a project leader anywhere, a facilitator within their scope. */
const STAFF: Rule['roles'] = { [Role.PROJECT_LEADER]: 'everything', [Role.FACILITATOR]: 'scoped' };
/** Figures without names: also evaluators, and facilitators for their own networks. */
const NETWORK_FIGURES: Rule['roles'] = { ...STAFF, [Role.EVALUATOR]: 'everything' };
/** Figures over everyone: not a facilitator's, whose scope is their own networks. */
const SUMMARIES: Rule['roles'] = { [Role.PROJECT_LEADER]: 'everything', [Role.EVALUATOR]: 'everything' };
const AUDIT: Rule['roles'] = { [Role.AUDITOR]: 'everything' };

const onNetwork: Rule = { roles: STAFF, on: (args) => [network(input(args).networkId)] };
const onParticipant: Rule = { roles: STAFF, on: (args) => [participant(input(args).participantId)] };

export const ACCESS_RULES: Readonly<Record<string, Rule>> = {
  'Query.me': { roles: { ...SUMMARIES, [Role.FACILITATOR]: 'everything', [Role.AUDITOR]: 'everything' } },
  'Query.network': { roles: NETWORK_FIGURES, on: (args) => [network(args.id)] },
  'Query.networks': { roles: { ...SUMMARIES, [Role.FACILITATOR]: 'own lists' } },
  'Query.shrinkingNetworks': { roles: { ...SUMMARIES, [Role.FACILITATOR]: 'own lists' } },
  'Query.networkGrowth': { roles: NETWORK_FIGURES, on: (args) => [network(args.networkId)] },
  'Query.careTimeline': { roles: STAFF, on: (args) => [participant(args.participantId)] },
  'Query.scaleDownSummary': { roles: SUMMARIES },
  'Query.referrals': { roles: { [Role.PROJECT_LEADER]: 'everything', [Role.FACILITATOR]: 'own lists' } },
  'Query.referralSummary': { roles: SUMMARIES },
  'Query.impact': { roles: SUMMARIES },
  'Query.whoKnew': { roles: AUDIT },
  'Query.accessLog': { roles: AUDIT },
  'Query.verifyAccessLog': { roles: AUDIT },
  'Subscription.networkChanged': { roles: NETWORK_FIGURES, on: (args) => [network(args.networkId)] },

  // A facilitator registers people (who are then within their scope) and starts nothing else.
  'Mutation.startNetwork': { roles: LEADER, action: 'CREATE' },
  'Mutation.assignFacilitator': { roles: LEADER },
  'Mutation.registerParticipant': { roles: { ...LEADER, [Role.FACILITATOR]: 'everything' }, action: 'CREATE' },
  // Bringing someone into a network brings them within its facilitator's scope: they must reach that person already.
  'Mutation.joinNetwork': { roles: STAFF, on: (args) => [network(input(args).networkId), participant(input(args).participantId)] },
  'Mutation.involveNeighbour': { roles: STAFF, on: (args) => [network(input(args).networkId), participant(input(args).participantId)] },
  'Mutation.leaveNetwork': onNetwork,
  'Mutation.recordMeeting': onNetwork,
  'Mutation.followUpAbsence': onNetwork,
  'Mutation.reportOutsideContact': onNetwork,
  'Mutation.guideNeighbour': onNetwork,
  'Mutation.recordHelpExchange': onNetwork,
  'Mutation.agreePlan': onNetwork,
  'Mutation.completeAgreement': onNetwork,
  'Mutation.closeNetwork': onNetwork,
  'Mutation.setIndividualSupport': onParticipant,
  'Mutation.scaleDownSupport': onParticipant,
  'Mutation.scaleUpSupport': onParticipant,
  'Mutation.recordTalent': onParticipant,
  'Mutation.answerCoreQuestions': onParticipant,
  'Mutation.registerHelpQuestion': onParticipant,
  'Mutation.recordOutcome': onParticipant,
  'Mutation.giveConsent': onParticipant,
  'Mutation.withdrawConsent': onParticipant,
  'Mutation.shareInformation': onParticipant,
  'Mutation.unshareInformation': onParticipant,
  'Mutation.bundleHelpQuestion': {
    roles: STAFF,
    on: (args) => [participant(input(args).participantId), network(input(args).networkId)],
  },
  'Mutation.referToBuddyProgramme': { ...onParticipant, action: 'CREATE' },
  'Mutation.closeReferral': { roles: STAFF, on: (args) => [{ referral: input(args).referralId }] },
  // Erasure cannot be undone: it is the project leader's decision (the organisation answers the request).
  'Mutation.forgetParticipant': { roles: LEADER, action: 'ERASE' },
};

/** Operations served only for a benchmark (crud-baseline): the rule of the operation they stand beside. */
const BENCH_RULES: Readonly<Record<string, Rule>> = { 'Mutation.recordMeetingRow': ACCESS_RULES['Mutation.recordMeeting'] };

/** The rule for an operation; none: nobody may use it. */
export const ruleOf = (coordinate: string): Rule | undefined => ACCESS_RULES[coordinate] ?? BENCH_RULES[coordinate];

/** Whose data a refused call was about, for its access-log entry: the person if it names one, else its network. */
export function subjectOfCall(args: Args): string {
  const fields = { ...args, ...input(args) };
  const id = fields.participantId ?? fields.subjectId ?? fields.networkId ?? fields.id ?? fields.referralId;
  return isPlausibleId(id) ? id : '-';
}

/** An id worth looking up: anything else names nothing (and is refused by input validation anyway). */
export const isPlausibleId = (id: unknown): id is string => typeof id === 'string' && id.trim() !== '' && id.length <= 200;
