/** Referrals to buddy programmes (maatjesprojecten) and what became of them. */
import type { IsoDate } from '../shared/decider';
import { collection, type Projected, projection } from '../shared/projection';
import { ReferralEvent, referralEventSchemas, ReferralStatus } from './events';

type Event = Projected<ReferralEvent>;

export interface ReferralDoc {
  id: string;
  participantId: string;
  programme: string;
  status: ReferralStatus;
  referredOn: IsoDate;
  closedOn: IsoDate | null;
}

export const referralDocs = collection<Event, ReferralDoc>()({
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
    if (!doc) return doc;
    doc.status = e.data.status;
    doc.closedOn = e.data.closedOn;
    return doc;
  },
});

export const referralsProjection = projection<Event>()({
  name: 'referrals',
  version: 1,
  events: referralEventSchemas,
  collections: [referralDocs],
});

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Days a referral was open: until it closed, or until `today`. */
export const daysOpen = (referral: ReferralDoc, today: IsoDate): number => daysBetween(referral.referredOn, referral.closedOn ?? today);

export interface ReferralFigures {
  programme: string;
  open: number;
  matched: number;
  declined: number;
  ended: number;
  medianDaysToMatch: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Per programme, ordered by name: how referrals ended, and how long a match took (median). */
export function referralSummaryOf(referrals: readonly ReferralDoc[]): ReferralFigures[] {
  const byProgramme = new Map<string, ReferralDoc[]>();
  for (const referral of referrals) {
    const group = byProgramme.get(referral.programme) ?? [];
    group.push(referral);
    byProgramme.set(referral.programme, group);
  }
  return [...byProgramme.keys()].sort().map((programme) => {
    const group = byProgramme.get(programme)!;
    const count = (status: ReferralDoc['status']) => group.filter((r) => r.status === status).length;
    const matched = group.filter((r) => r.status === 'MATCHED' && r.closedOn !== null);
    return {
      programme,
      open: count('OPEN'),
      matched: count('MATCHED'),
      declined: count('DECLINED'),
      ended: count('ENDED'),
      medianDaysToMatch: median(matched.map((r) => daysBetween(r.referredOn, r.closedOn!))),
    };
  });
}
