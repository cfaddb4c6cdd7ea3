import type { EventSchemas } from '../shared/event-schema';
import type { DomainEvent, IsoDate } from '../shared/decider';

export const REFERRAL_OUTCOMES = ['MATCHED', 'DECLINED', 'ENDED'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];
/** A referral is OPEN until it is closed with one of its outcomes. */
export const REFERRAL_STATUSES = ['OPEN', ...REFERRAL_OUTCOMES] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Events of one referral's stream (`referral-<id>`): a participant sent to a buddy programme (maatjesproject). */
export type ReferralEvent =
  | DomainEvent<
      'ReferredToBuddyProgramme',
      { referralId: string; participantId: string; programme: string; referredOn: IsoDate; personal: { subjectId: string; reason: string } }
    >
  | DomainEvent<'ReferralClosed', { referralId: string; participantId: string; status: ReferralOutcome; closedOn: IsoDate }>;

/** Each event's schema version and fields, checked on every read (see shared/event-schema.ts). */
export const referralEventSchemas: EventSchemas<ReferralEvent> = {
  ReferredToBuddyProgramme: {
    version: 1,
    data: { referralId: 'string', participantId: 'string', programme: 'string', referredOn: 'date' },
    personal: { reason: 'text' },
  },
  ReferralClosed: { version: 1, data: { referralId: 'string', participantId: 'string', status: 'string', closedOn: 'date' } },
};
