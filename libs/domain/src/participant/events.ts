import type { DomainEvent, IsoDate } from '../shared/decider';

/** Events of one participant's stream (`participant-<id>`): the person, their care and what they shared. */
export type ParticipantEvent =
  | DomainEvent<
      'ParticipantRegistered',
      { participantId: string; municipality: string; consentToEvaluation: boolean },
      { subjectId: string; displayName: string }
    >
  | DomainEvent<'IndividualSupportSet', { participantId: string; everyWeeks: number; on: IsoDate; setBy: string }>
  | DomainEvent<
      'SupportScaledDown',
      { participantId: string; fromEveryWeeks: number; toEveryWeeks: number; on: IsoDate },
      { subjectId: string; reason: string }
    >
  | DomainEvent<
      'SupportScaledUp',
      { participantId: string; fromEveryWeeks: number; toEveryWeeks: number; on: IsoDate },
      { subjectId: string; reason: string }
    >
  | DomainEvent<'TalentRecorded', { participantId: string; on: IsoDate }, { subjectId: string; talent: string }>
  | DomainEvent<
      'CoreQuestionsAnswered',
      { participantId: string; on: IsoDate },
      { subjectId: string; want: string; can: string; need: string }
    >
  | DomainEvent<
      'HelpQuestionRegistered',
      { participantId: string; questionId: string; on: IsoDate },
      { subjectId: string; question: string }
    >
  | DomainEvent<'HelpQuestionBundled', { participantId: string; questionId: string; networkId: string; on: IsoDate }>
  | DomainEvent<'OutcomeMeasured', { participantId: string; instrument: string; score: number; measuredOn: IsoDate }>
  | DomainEvent<'ConsentGiven', { participantId: string; purpose: string; on: IsoDate }>
  | DomainEvent<'ConsentWithdrawn', { participantId: string; purpose: string; on: IsoDate }>
  | DomainEvent<
      'InformationShared',
      { participantId: string; sharedWith: string[]; on: IsoDate; sharedBy: string; onBehalf: boolean },
      { subjectId: string; topic: string }
    >
  | DomainEvent<
      'InformationUnshared',
      { participantId: string; from: string[]; on: IsoDate; unsharedBy: string; onBehalf: boolean },
      { subjectId: string; topic: string }
    >
  | DomainEvent<'ParticipantForgotten', { participantId: string }, { subjectId: string; reason: string }>;

/** Schema version of each event's data; bump it and add an upcaster when a shape changes. */
export const participantEventVersions: Record<ParticipantEvent['type'], number> = {
  ParticipantRegistered: 1,
  IndividualSupportSet: 1,
  SupportScaledDown: 1,
  SupportScaledUp: 1,
  TalentRecorded: 1,
  CoreQuestionsAnswered: 1,
  HelpQuestionRegistered: 1,
  HelpQuestionBundled: 1,
  OutcomeMeasured: 1,
  ConsentGiven: 1,
  ConsentWithdrawn: 1,
  InformationShared: 1,
  InformationUnshared: 1,
  ParticipantForgotten: 1,
};

/**
 * The data subjects whose keys must be destroyed before these events are stored (crypto-shredding):
 * forgetting a participant makes everything sealed for them unreadable, in every copy at once.
 */
export const subjectsErasedBy = (event: ParticipantEvent): string[] =>
  event.type === 'ParticipantForgotten' ? [event.data.participantId] : [];
