import { Actor, Decider, ensure, invalid, IsoDate, notFound } from '../shared/decider';
import { normaliseTopic } from '../shared/personal';
import type { NetworkStanding, ParticipantStanding } from '../shared/standing';
import type { ParticipantEvent } from './events';

/** The people a participant may let know about a topic: who shares a current network with them. */
export interface SharingCircle {
  /** Current members of the networks the participant currently belongs to. */
  members: ReadonlySet<string>;
  /** Facilitators of those networks. */
  staff: ReadonlySet<string>;
}

export type ParticipantCommand =
  | { type: 'RegisterParticipant'; participantId: string; displayName: string; municipality: string; consentToEvaluation: boolean }
  | { type: 'SetIndividualSupport'; everyWeeks: number; on: IsoDate; actor: Actor }
  | { type: 'ScaleDownSupport' | 'ScaleUpSupport'; toEveryWeeks: number; reason: string; on: IsoDate }
  | { type: 'RecordTalent'; talent: string; on: IsoDate }
  | { type: 'AnswerCoreQuestions'; want: string; can: string; need: string; on: IsoDate }
  | { type: 'RegisterHelpQuestion'; questionId: string; question: string; on: IsoDate }
  | { type: 'BundleHelpQuestion'; questionId: string; networkId: string; on: IsoDate; network: NetworkStanding }
  | { type: 'RecordOutcome'; instrument: string; score: number; measuredOn: IsoDate }
  | { type: 'GiveConsent' | 'WithdrawConsent'; purpose: string; on: IsoDate }
  | { type: 'ShareInformation'; topic: string; sharedWith: readonly string[]; on: IsoDate; actor: Actor; circle: SharingCircle }
  | { type: 'UnshareInformation'; topic: string; from: readonly string[]; on: IsoDate; actor: Actor }
  | { type: 'ForgetParticipant'; reason: string };

export interface KnownParticipant {
  status: 'registered' | 'forgotten';
  participantId: string;
  support?: { everyWeeks: number; since: IsoDate };
  talents: ReadonlySet<string>;
  helpQuestions: ReadonlyMap<string, { bundledInto?: string }>;
  consents: ReadonlySet<string>;
  /** Who currently knows about each topic (by normalised topic). */
  knownBy: ReadonlyMap<string, ReadonlySet<string>>;
}

export type ParticipantState = { status: 'unknown' } | KnownParticipant;

/** Staff may record sharing on a participant's behalf (the participant told them whom to tell). */
const STAFF_ROLES = ['FACILITATOR', 'PROJECT_LEADER'];

/** The instruments outcomes are measured with, by their exact names, each with the range of its score. */
export const INSTRUMENTS: Readonly<Record<string, { min: number; max: number; integer: boolean; label: string }>> = {
  DJG6: { min: 0, max: 6, integer: true, label: 'De Jong Gierveld loneliness scale (0-6, whole numbers)' },
  ZRM: { min: 1, max: 5, integer: false, label: 'Zelfredzaamheid-Matrix (1-5, mean over domains)' },
};

/** What a command on another aggregate needs to know of this participant. */
export const participantStandingOf = (state: ParticipantState): ParticipantStanding => state.status;

function decide(command: ParticipantCommand, state: ParticipantState): ParticipantEvent[] {
  if (command.type === 'RegisterParticipant') {
    ensure(state.status === 'unknown', `Participant ${command.participantId} is already registered`);
    const { participantId, municipality, consentToEvaluation, displayName } = command;
    return [
      {
        type: 'ParticipantRegistered',
        data: { participantId, municipality, consentToEvaluation, personal: { subjectId: participantId, displayName } },
      },
    ];
  }
  if (state.status === 'unknown') throw notFound('No participant is registered with this id');
  const { participantId } = state;
  ensure(state.status !== 'forgotten', `Participant ${participantId} has been forgotten and accepts no more commands`);

  switch (command.type) {
    case 'SetIndividualSupport':
      ensure(
        !state.support,
        `Individual support is already set (every ${state.support?.everyWeeks} weeks); change it with scaleDownSupport or scaleUpSupport`,
      );
      return [
        {
          type: 'IndividualSupportSet',
          data: { participantId, everyWeeks: command.everyWeeks, on: command.on, setBy: command.actor.id },
        },
      ];

    case 'ScaleDownSupport':
    case 'ScaleUpSupport': {
      const down = command.type === 'ScaleDownSupport';
      const support = state.support;
      ensure(
        support !== undefined,
        `Individual support has not been set for ${participantId}: set it before scaling it ${down ? 'down' : 'up'}`,
      );
      ensure(
        down ? command.toEveryWeeks > support.everyWeeks : command.toEveryWeeks < support.everyWeeks,
        down
          ? `Scaling down means less frequent contact: toEveryWeeks must exceed the current ${support.everyWeeks}`
          : `Scaling up means more frequent contact: toEveryWeeks must be below the current ${support.everyWeeks}`,
      );
      ensure(command.on >= support.since, `The change on ${command.on} precedes the last support change on ${support.since}`);
      const data = {
        participantId,
        fromEveryWeeks: support.everyWeeks,
        toEveryWeeks: command.toEveryWeeks,
        on: command.on,
        personal: { subjectId: participantId, reason: command.reason },
      };
      return [down ? { type: 'SupportScaledDown', data } : { type: 'SupportScaledUp', data }];
    }

    case 'RecordTalent':
      ensure(!state.talents.has(normaliseTopic(command.talent)), `The talent "${command.talent}" is already recorded`);
      return [
        { type: 'TalentRecorded', data: { participantId, on: command.on, personal: { subjectId: participantId, talent: command.talent } } },
      ];

    case 'AnswerCoreQuestions': {
      const { want, can, need, on } = command;
      return [{ type: 'CoreQuestionsAnswered', data: { participantId, on, personal: { subjectId: participantId, want, can, need } } }];
    }

    case 'RegisterHelpQuestion':
      ensure(!state.helpQuestions.has(command.questionId), `Help question ${command.questionId} is already registered`);
      return [
        {
          type: 'HelpQuestionRegistered',
          data: {
            participantId,
            questionId: command.questionId,
            on: command.on,
            personal: { subjectId: participantId, question: command.question },
          },
        },
      ];

    case 'BundleHelpQuestion': {
      const question = state.helpQuestions.get(command.questionId);
      if (!question) throw notFound(`Participant ${participantId} has no help question ${command.questionId}`);
      ensure(!question.bundledInto, `Help question ${command.questionId} is already bundled into network ${question.bundledInto}`);
      const network = command.network;
      if (network.status === 'unknown') throw notFound(`No network ${command.networkId}`);
      ensure(network.method === 'QUESTION_GROUP', 'Help questions are bundled into question groups (vraaggroepen) only');
      ensure(network.status === 'open', `Network ${command.networkId} is closed`);
      return [
        {
          type: 'HelpQuestionBundled',
          data: { participantId, questionId: command.questionId, networkId: command.networkId, on: command.on },
        },
      ];
    }

    case 'RecordOutcome': {
      // Exactly as named: "DJG6 " or "djg6" would escape the range check and spoil every comparison of scores.
      const range = Object.hasOwn(INSTRUMENTS, command.instrument) ? INSTRUMENTS[command.instrument] : undefined;
      if (!range) throw invalid('instrument', `The instrument must be one of ${Object.keys(INSTRUMENTS).join(', ')}, exactly as written`);
      if (
        !Number.isFinite(command.score) ||
        command.score < range.min ||
        command.score > range.max ||
        (range.integer && !Number.isInteger(command.score))
      ) {
        throw invalid('score', `A ${command.instrument} score must lie on the ${range.label}`);
      }
      const { instrument, score, measuredOn } = command;
      return [{ type: 'OutcomeMeasured', data: { participantId, instrument, score, measuredOn } }];
    }

    case 'GiveConsent':
      ensure(!state.consents.has(command.purpose), `Consent for ${command.purpose} is already given`);
      return [{ type: 'ConsentGiven', data: { participantId, purpose: command.purpose, on: command.on } }];

    case 'WithdrawConsent':
      ensure(state.consents.has(command.purpose), `There is no consent for ${command.purpose} to withdraw`);
      return [{ type: 'ConsentWithdrawn', data: { participantId, purpose: command.purpose, on: command.on } }];

    case 'ShareInformation': {
      const onBehalf = actsOnBehalf(command.actor, participantId);
      const { members, staff } = command.circle;
      ensure(!command.sharedWith.includes(participantId), 'A participant does not share information with themselves');
      const strangers = command.sharedWith.filter((id) => !members.has(id) && !staff.has(id));
      ensure(
        strangers.length === 0,
        `Information can only be shared with current members of the participant's networks or their staff; not with ${strangers.join(', ')}`,
      );
      const knowing = state.knownBy.get(normaliseTopic(command.topic)) ?? new Set<string>();
      const already = command.sharedWith.filter((id) => knowing.has(id));
      ensure(already.length === 0, `Already shared with ${already.join(', ')}`);
      return [
        {
          type: 'InformationShared',
          data: {
            participantId,
            sharedWith: [...command.sharedWith],
            on: command.on,
            sharedBy: command.actor.id,
            onBehalf,
            personal: { subjectId: participantId, topic: command.topic },
          },
        },
      ];
    }

    case 'UnshareInformation': {
      const onBehalf = actsOnBehalf(command.actor, participantId);
      const knowing = state.knownBy.get(normaliseTopic(command.topic)) ?? new Set<string>();
      const unknowing = command.from.filter((id) => !knowing.has(id));
      ensure(unknowing.length === 0, `This topic is not shared with ${unknowing.join(', ')}`);
      return [
        {
          type: 'InformationUnshared',
          data: {
            participantId,
            from: [...command.from],
            on: command.on,
            unsharedBy: command.actor.id,
            onBehalf,
            personal: { subjectId: participantId, topic: command.topic },
          },
        },
      ];
    }

    case 'ForgetParticipant':
      return [{ type: 'ParticipantForgotten', data: { participantId, personal: { subjectId: participantId, reason: command.reason } } }];
  }
}

/** The participant decides who knows what: only they, or staff recording their wish, may share or unshare. */
function actsOnBehalf(actor: Actor, participantId: string): boolean {
  if (actor.id === participantId) return false;
  ensure(
    actor.roles.some((role) => STAFF_ROLES.includes(role)),
    'Information can only be shared or unshared by the participant it is about, or by staff on their behalf',
  );
  return true;
}

function evolve(state: ParticipantState, event: ParticipantEvent): ParticipantState {
  if (event.type === 'ParticipantRegistered') {
    return {
      status: 'registered',
      participantId: event.data.participantId,
      talents: new Set(),
      helpQuestions: new Map(),
      consents: new Set(event.data.consentToEvaluation ? ['evaluation'] : []),
      knownBy: new Map(),
    };
  }
  if (state.status === 'unknown') return state;
  switch (event.type) {
    case 'IndividualSupportSet':
      return { ...state, support: { everyWeeks: event.data.everyWeeks, since: event.data.on } };
    case 'SupportScaledDown':
    case 'SupportScaledUp':
      return { ...state, support: { everyWeeks: event.data.toEveryWeeks, since: event.data.on } };
    case 'TalentRecorded':
      return { ...state, talents: new Set(state.talents).add(normaliseTopic(event.data.personal.talent)) };
    case 'HelpQuestionRegistered':
      return { ...state, helpQuestions: new Map(state.helpQuestions).set(event.data.questionId, {}) };
    case 'HelpQuestionBundled':
      return { ...state, helpQuestions: new Map(state.helpQuestions).set(event.data.questionId, { bundledInto: event.data.networkId }) };
    case 'ConsentGiven':
      return { ...state, consents: new Set(state.consents).add(event.data.purpose) };
    case 'ConsentWithdrawn': {
      const consents = new Set(state.consents);
      consents.delete(event.data.purpose);
      return { ...state, consents };
    }
    case 'InformationShared':
    case 'InformationUnshared': {
      const key = normaliseTopic(event.data.personal.topic);
      const knowing = new Set(state.knownBy.get(key));
      if (event.type === 'InformationShared') event.data.sharedWith.forEach((id) => knowing.add(id));
      else event.data.from.forEach((id) => knowing.delete(id));
      return { ...state, knownBy: new Map(state.knownBy).set(key, knowing) };
    }
    case 'ParticipantForgotten':
      // Nothing of what they said stays in memory either: a forgotten person accepts no commands, so nothing needs it.
      return { ...state, status: 'forgotten', talents: new Set(), knownBy: new Map() };
    case 'CoreQuestionsAnswered':
    case 'OutcomeMeasured':
      return state;
  }
}

export const participantDecider: Decider<ParticipantCommand, ParticipantEvent, ParticipantState> = {
  initialState: { status: 'unknown' },
  decide,
  evolve,
};
