import type { EventSchemas } from '../shared/event-schema';
import type { DomainEvent, IsoDate } from '../shared/decider';

/** Events of one participant's stream (`participant-<id>`): the person, their care and what they shared. */
export type ParticipantEvent =
  | DomainEvent<
      'ParticipantRegistered',
      { participantId: string; municipality: string; consentToEvaluation: boolean; personal: { subjectId: string; displayName: string } }
    >
  | DomainEvent<'IndividualSupportSet', { participantId: string; everyWeeks: number; on: IsoDate; setBy: string }>
  | DomainEvent<
      'SupportScaledDown',
      { participantId: string; fromEveryWeeks: number; toEveryWeeks: number; on: IsoDate; personal: { subjectId: string; reason: string } }
    >
  | DomainEvent<
      'SupportScaledUp',
      { participantId: string; fromEveryWeeks: number; toEveryWeeks: number; on: IsoDate; personal: { subjectId: string; reason: string } }
    >
  | DomainEvent<'TalentRecorded', { participantId: string; on: IsoDate; personal: { subjectId: string; talent: string } }>
  | DomainEvent<
      'CoreQuestionsAnswered',
      { participantId: string; on: IsoDate; personal: { subjectId: string; want: string; can: string; need: string } }
    >
  | DomainEvent<
      'HelpQuestionRegistered',
      { participantId: string; questionId: string; on: IsoDate; personal: { subjectId: string; question: string } }
    >
  | DomainEvent<'HelpQuestionBundled', { participantId: string; questionId: string; networkId: string; on: IsoDate }>
  | DomainEvent<'OutcomeMeasured', { participantId: string; instrument: string; score: number; measuredOn: IsoDate }>
  | DomainEvent<'ConsentGiven', { participantId: string; purpose: string; on: IsoDate }>
  | DomainEvent<'ConsentWithdrawn', { participantId: string; purpose: string; on: IsoDate }>
  | DomainEvent<
      'InformationShared',
      {
        participantId: string;
        sharedWith: string[];
        on: IsoDate;
        sharedBy: string;
        onBehalf: boolean;
        personal: { subjectId: string; topic: string };
      }
    >
  | DomainEvent<
      'InformationUnshared',
      {
        participantId: string;
        from: string[];
        on: IsoDate;
        unsharedBy: string;
        onBehalf: boolean;
        personal: { subjectId: string; topic: string };
      }
    >
  | DomainEvent<'ParticipantForgotten', { participantId: string; personal: { subjectId: string; reason: string } }>;

/** Each event's schema version and fields, checked on every read (see shared/event-schema.ts). */
export const participantEventSchemas: EventSchemas<ParticipantEvent> = {
  ParticipantRegistered: {
    version: 1,
    data: { participantId: 'string', municipality: 'string', consentToEvaluation: 'boolean' },
    personal: { displayName: 'text' },
  },
  IndividualSupportSet: { version: 1, data: { participantId: 'string', everyWeeks: 'number', on: 'date', setBy: 'string' } },
  SupportScaledDown: {
    version: 1,
    data: { participantId: 'string', fromEveryWeeks: 'number', toEveryWeeks: 'number', on: 'date' },
    personal: { reason: 'text' },
  },
  SupportScaledUp: {
    version: 1,
    data: { participantId: 'string', fromEveryWeeks: 'number', toEveryWeeks: 'number', on: 'date' },
    personal: { reason: 'text' },
  },
  TalentRecorded: { version: 1, data: { participantId: 'string', on: 'date' }, personal: { talent: 'text' } },
  CoreQuestionsAnswered: {
    version: 1,
    data: { participantId: 'string', on: 'date' },
    personal: { want: 'text', can: 'text', need: 'text' },
  },
  HelpQuestionRegistered: {
    version: 1,
    data: { participantId: 'string', questionId: 'string', on: 'date' },
    personal: { question: 'text' },
  },
  HelpQuestionBundled: { version: 1, data: { participantId: 'string', questionId: 'string', networkId: 'string', on: 'date' } },
  OutcomeMeasured: { version: 1, data: { participantId: 'string', instrument: 'string', score: 'number', measuredOn: 'date' } },
  ConsentGiven: { version: 1, data: { participantId: 'string', purpose: 'string', on: 'date' } },
  ConsentWithdrawn: { version: 1, data: { participantId: 'string', purpose: 'string', on: 'date' } },
  InformationShared: {
    version: 1,
    data: { participantId: 'string', sharedWith: 'strings', on: 'date', sharedBy: 'string', onBehalf: 'boolean' },
    personal: { topic: 'text' },
  },
  InformationUnshared: {
    version: 1,
    data: { participantId: 'string', from: 'strings', on: 'date', unsharedBy: 'string', onBehalf: 'boolean' },
    personal: { topic: 'text' },
  },
  ParticipantForgotten: { version: 1, data: { participantId: 'string' }, personal: { reason: 'text' } },
};

/**
 * The data subjects whose keys must be destroyed before these events are stored (crypto-shredding):
 * forgetting a participant makes everything sealed for them unreadable, in every copy at once.
 */
export const subjectsErasedBy = (event: ParticipantEvent): string[] =>
  event.type === 'ParticipantForgotten' ? [event.data.participantId] : [];
