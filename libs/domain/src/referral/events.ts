import type { DomainEvent, IsoDate } from '../shared/decider';

export type ReferralOutcome = 'MATCHED' | 'DECLINED' | 'ENDED';

/** Events of one referral's stream (`referral-<id>`): a participant sent to a buddy programme (maatjesproject). */
export type ReferralEvent =
  | DomainEvent<
      'ReferredToBuddyProgramme',
      { referralId: string; participantId: string; programme: string; referredOn: IsoDate },
      { subjectId: string; reason: string }
    >
  | DomainEvent<'ReferralClosed', { referralId: string; participantId: string; status: ReferralOutcome; closedOn: IsoDate }>;

export const referralEventVersions: Record<ReferralEvent['type'], number> = {
  ReferredToBuddyProgramme: 1,
  ReferralClosed: 1,
};
