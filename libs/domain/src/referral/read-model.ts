/** Referrals to buddy programmes (maatjesprojecten) and what became of them. */
import type { IsoDate } from '../shared/decider';
import type { Collection, Projected, ProjectionDefinition } from '../shared/projection';
import type { ReferralEvent, ReferralOutcome } from './events';

type Event = Projected<ReferralEvent>;

export interface ReferralDoc {
  id: string;
  participantId: string;
  programme: string;
  status: 'OPEN' | ReferralOutcome;
  referredOn: IsoDate;
  closedOn: IsoDate | null;
}

const referrals: Collection<Event, ReferralDoc> = {
  name: 'referrals',
  columns: {
    programme: { type: 'text', of: (r) => r.programme },
    status: { type: 'text', of: (r) => r.status },
    referred_on: { type: 'date', of: (r) => r.referredOn },
    closed_on: { type: 'date', of: (r) => r.closedOn },
  },
  keys: (e) => [e.data.referralId],
  evolve(doc, e) {
    if (e.type === 'ReferredToBuddyProgramme') {
      const { referralId, participantId, programme, referredOn } = e.data;
      return { id: referralId, participantId, programme, status: 'OPEN', referredOn, closedOn: null };
    }
    return doc && { ...doc, status: e.data.status, closedOn: e.data.closedOn };
  },
};

export const referralsProjection: ProjectionDefinition<Event> = {
  name: 'referrals',
  version: 1,
  eventTypes: ['ReferredToBuddyProgramme', 'ReferralClosed'],
  collections: [referrals],
};

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Days a referral was open: until it closed, or until `today`. */
export const daysOpen = (referral: ReferralDoc, today: IsoDate): number => daysBetween(referral.referredOn, referral.closedOn ?? today);
