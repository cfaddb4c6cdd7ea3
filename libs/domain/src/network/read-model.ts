/**
 * The networks read model: what a coach, project leader or municipality sees of each circle, and the
 * growth figures derived from it. Documents are small and many (one per network, member, meeting and
 * outside contact) so that a batch rewrites only what it touched.
 */
import type { IsoDate } from '../shared/decider';
import type { Sealed } from '../shared/personal';
import { collection, pairKey, type Projected, projection, schemasOf } from '../shared/projection';
import { ParticipantEvent, participantEventSchemas } from '../participant/events';
import { MemberRole, NetworkCharter, NetworkEvent, networkEventSchemas } from './events';

type Event = Projected<NetworkEvent | Extract<ParticipantEvent, { type: 'ParticipantRegistered' | 'ParticipantForgotten' }>>;

export interface PlanAgreementView {
  agreementId: string;
  assigneeId: string;
  task: Sealed | null;
  dueOn: IsoDate | null;
  completedOn: IsoDate | null;
}

/** The charter as started, plus what happened since. */
export interface NetworkDoc extends Omit<NetworkCharter, 'networkId' | 'focalParticipantId'> {
  id: string;
  closedOn: IsoDate | null;
  focalParticipantId: string | null;
  facilitators: string[];
  meetingsHeld: number;
  outsideContacts: number;
  /** Absences recorded at meetings that nobody has followed up yet. */
  absencesAwaitingFollowUp: number;
  plan: { planId: string; agreedOn: IsoDate; agreements: PlanAgreementView[] } | null;
}

/** One period of membership; a member who leaves and rejoins has two. */
export interface Stint {
  role: MemberRole;
  joinedOn: IsoDate;
  leftOn: IsoDate | null;
}

export interface MemberDoc {
  networkId: string;
  participantId: string;
  role: MemberRole;
  joinedOn: IsoDate;
  leftOn: IsoDate | null;
  invitedBy: string | null;
  stints: Stint[];
  neighbourSince: IsoDate | null;
  meetingsAttended: number;
  meetingsMissedInARow: number;
}

export interface MeetingDoc {
  networkId: string;
  meetingId: string;
  sequence: number;
  heldOn: IsoDate;
  attended: number;
  absent: number;
}

export interface ContactDoc {
  networkId: string;
  on: IsoDate;
}

/** A person's name, sealed; dropped once they are forgotten (their key is destroyed then anyway). */
export interface PersonNameDoc {
  displayName: Sealed | null;
  forgotten: boolean;
}

const NETWORK_DOC_EVENTS: ReadonlySet<string> = new Set([
  'NetworkStarted',
  'FacilitatorAssigned',
  'MeetingHeld',
  'AbsenceFollowedUp',
  'ContactOutsideMeetingsReported',
  'PlanAgreed',
  'AgreementCompleted',
  'NetworkClosed',
]);

// The evolve functions below change their own documents in place (see Collection.evolve): a copy per
// event would cost more than the rest of a rebuild.
export const networkDocs = collection<Event, NetworkDoc>()({
  name: 'networks',
  columns: { municipality: { type: 'text', of: (n) => n.municipality }, method: { type: 'text', of: (n) => n.method } },
  keys: (e) => (NETWORK_DOC_EVENTS.has(e.type) ? [(e.data as { networkId: string }).networkId] : []),
  evolve(doc, e) {
    if (e.type === 'NetworkStarted') {
      const { networkId, focalParticipantId, ...charter } = e.data;
      return {
        id: networkId,
        ...charter,
        closedOn: null,
        focalParticipantId: focalParticipantId ?? null,
        facilitators: [],
        meetingsHeld: 0,
        outsideContacts: 0,
        absencesAwaitingFollowUp: 0,
        plan: null,
      };
    }
    if (!doc) return doc;
    switch (e.type) {
      case 'FacilitatorAssigned':
        doc.facilitators = [...doc.facilitators.filter((id) => id !== e.data.replacesStaffId && id !== e.data.staffId), e.data.staffId];
        return doc;
      case 'MeetingHeld':
        doc.meetingsHeld++;
        doc.absencesAwaitingFollowUp += e.data.absent.length;
        return doc;
      // Only an absence recorded and not yet followed up can be followed up (the decider's rule).
      case 'AbsenceFollowedUp':
        if (doc.absencesAwaitingFollowUp > 0) doc.absencesAwaitingFollowUp--;
        return doc;
      case 'ContactOutsideMeetingsReported':
        doc.outsideContacts++;
        return doc;
      case 'PlanAgreed': {
        const tasks = e.data.personal.tasks;
        const agreements = e.data.agreements.map((a) => ({
          agreementId: a.agreementId,
          assigneeId: a.assigneeId,
          task: tasks[a.agreementId] ?? null,
          dueOn: a.dueOn ?? null,
          completedOn: null,
        }));
        doc.plan = { planId: e.data.planId, agreedOn: e.data.agreedOn, agreements };
        return doc;
      }
      case 'AgreementCompleted': {
        const agreement = doc.plan?.agreements.find((a) => a.agreementId === e.data.agreementId);
        if (agreement) agreement.completedOn = e.data.completedOn;
        return doc;
      }
      case 'NetworkClosed':
        doc.closedOn = e.data.closedOn;
        return doc;
      default:
        return doc;
    }
  },
});

export const memberDocs = collection<Event, MemberDoc>()({
  name: 'members',
  columns: { network_id: { type: 'text', of: (m) => m.networkId }, participant_id: { type: 'text', of: (m) => m.participantId } },
  keys(e) {
    switch (e.type) {
      case 'ParticipantJoined':
      case 'ParticipantLeft':
      case 'NeighbourInvolved':
        return [pairKey(e.data.networkId, e.data.participantId)];
      case 'MeetingHeld': {
        // Attended first, then absent: evolve tells them apart by the key's index.
        const { networkId, attended, absent } = e.data;
        const keys = new Array<string>(attended.length + absent.length);
        for (let i = 0; i < attended.length; i++) keys[i] = pairKey(networkId, attended[i]);
        for (let i = 0; i < absent.length; i++) keys[attended.length + i] = pairKey(networkId, absent[i]);
        return keys;
      }
      default:
        return [];
    }
  },
  evolve(doc, e, _key, index) {
    switch (e.type) {
      case 'ParticipantJoined':
      case 'NeighbourInvolved': {
        const role = e.type === 'NeighbourInvolved' ? 'NEIGHBOUR' : e.data.role;
        const joinedOn = e.type === 'NeighbourInvolved' ? e.data.involvedOn : e.data.joinedOn;
        const stint: Stint = { role, joinedOn, leftOn: null };
        return {
          networkId: e.data.networkId,
          participantId: e.data.participantId,
          role,
          joinedOn,
          leftOn: null,
          invitedBy: (e.type === 'ParticipantJoined' ? e.data.invitedBy : undefined) ?? doc?.invitedBy ?? null,
          stints: [...(doc?.stints ?? []), stint],
          neighbourSince: e.type === 'NeighbourInvolved' ? (doc?.neighbourSince ?? joinedOn) : (doc?.neighbourSince ?? null),
          meetingsAttended: doc?.meetingsAttended ?? 0,
          meetingsMissedInARow: doc?.meetingsMissedInARow ?? 0,
        };
      }
      case 'ParticipantLeft':
        if (!doc) return doc;
        doc.leftOn = e.data.leftOn;
        for (const stint of doc.stints) if (stint.leftOn === null) stint.leftOn = e.data.leftOn;
        return doc;
      case 'MeetingHeld':
        if (!doc) return doc;
        if (index < e.data.attended.length) {
          doc.meetingsAttended++;
          doc.meetingsMissedInARow = 0;
        } else doc.meetingsMissedInARow++;
        return doc;
      default:
        return doc;
    }
  },
});

export const meetingDocs = collection<Event, MeetingDoc>()({
  name: 'meetings',
  columns: { network_id: { type: 'text', of: (m) => m.networkId } },
  keys: (e) => (e.type === 'MeetingHeld' ? [e.data.meetingId] : []),
  evolve: (doc, e) =>
    e.type === 'MeetingHeld'
      ? {
          networkId: e.data.networkId,
          meetingId: e.data.meetingId,
          sequence: e.data.sequence,
          heldOn: e.data.heldOn,
          attended: e.data.attended.length,
          absent: e.data.absent.length,
        }
      : doc,
});

export const contactDocs = collection<Event, ContactDoc>()({
  name: 'contacts',
  columns: { network_id: { type: 'text', of: (c) => c.networkId } },
  keys: (e) => (e.type === 'ContactOutsideMeetingsReported' ? [e.id] : []),
  evolve: (doc, e) => (e.type === 'ContactOutsideMeetingsReported' ? { networkId: e.data.networkId, on: e.data.on } : doc),
});

/** Names shown with members; none once the person is forgotten. */
export const personNameDocs = collection<Event, PersonNameDoc>()({
  name: 'people',
  columns: {},
  keys: (e) => (e.type === 'ParticipantRegistered' || e.type === 'ParticipantForgotten' ? [e.data.participantId] : []),
  evolve(doc, e) {
    if (e.type === 'ParticipantRegistered') return { displayName: e.data.personal.displayName, forgotten: false };
    if (e.type === 'ParticipantForgotten') return { displayName: null, forgotten: true };
    return doc;
  },
});

export const networksProjection = projection<Event>()({
  name: 'networks',
  // 2: names and plan tasks are stored sealed. 3: absences awaiting follow-up are counted on the network
  // instead of listed on each member, whose document grew by a meeting id at every meeting missed.
  version: 3,
  events: {
    ...networkEventSchemas,
    ...schemasOf(participantEventSchemas, 'ParticipantRegistered', 'ParticipantForgotten'),
  },
  collections: [networkDocs, memberDocs, meetingDocs, contactDocs, personNameDocs],
});

// ---- figures derived from the documents (pure; the API and the replays use the same functions) ----

export const INTERVALS = ['WEEK', 'MONTH'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface GrowthPoint {
  periodStart: IsoDate;
  size: number;
  joined: number;
  left: number;
  meetings: number;
  attendanceRate: number | null;
  outsideContacts: number;
  neighboursInvolved: number;
}

/** Size counts every role but PROFESSIONAL: professionals support a network, they are not its growth. */
const counts = (role: MemberRole) => role !== 'PROFESSIONAL';

export function isCurrent(member: MemberDoc): boolean {
  return member.leftOn === null;
}

export function sizeOf(members: readonly MemberDoc[]): number {
  return members.filter((m) => isCurrent(m) && counts(m.role)).length;
}

/** Members on a given day: joined by then and not yet left. */
export function sizeOn(members: readonly MemberDoc[], day: IsoDate): number {
  return members.filter((m) => m.stints.some((s) => counts(s.role) && s.joinedOn <= day && (s.leftOn === null || s.leftOn > day))).length;
}

const addDays = (day: IsoDate, days: number): IsoDate => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** Weeks start on Monday (ISO), months on the first. */
export function periodStartOf(day: IsoDate, interval: Interval): IsoDate {
  if (interval === 'MONTH') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function nextPeriodStart(start: IsoDate, interval: Interval): IsoDate {
  if (interval === 'WEEK') return addDays(start, 7);
  const [year, month] = start.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

export function previousPeriodStart(start: IsoDate, interval: Interval): IsoDate {
  return periodStartOf(addDays(start, -1), interval);
}

/** How many periods `from`..`to` spans, counting no further than `limit` + 1 (enough to refuse a huge range). */
export function countPeriods(from: IsoDate, to: IsoDate, interval: Interval, limit: number): number {
  let count = 0;
  for (let start = periodStartOf(from, interval); start <= to && count <= limit; start = nextPeriodStart(start, interval)) count++;
  return count;
}

/** The first day of the period `count` periods before the one holding `day`. */
export function periodsBack(day: IsoDate, interval: Interval, count: number): IsoDate {
  let start = periodStartOf(day, interval);
  for (let i = 0; i < count; i++) start = previousPeriodStart(start, interval);
  return start;
}

export interface GrowthInput {
  members: readonly MemberDoc[];
  meetings: readonly MeetingDoc[];
  contacts: readonly ContactDoc[];
  interval: Interval;
  from: IsoDate;
  to: IsoDate;
}

/** One point per period from the period holding `from` to the one holding `to`; dates inside events place them. */
export function growthOf({ members, meetings, contacts, interval, from, to }: GrowthInput): GrowthPoint[] {
  const points: GrowthPoint[] = [];
  for (let start = periodStartOf(from, interval); start <= to; start = nextPeriodStart(start, interval)) {
    const end = nextPeriodStart(start, interval);
    const within = (day: IsoDate) => day >= start && day < end;
    const stints = members.flatMap((m) => m.stints.filter((s) => counts(s.role)));
    const held = meetings.filter((m) => within(m.heldOn));
    const attended = held.reduce((sum, m) => sum + m.attended, 0);
    const expected = held.reduce((sum, m) => sum + m.attended + m.absent, 0);
    points.push({
      periodStart: start,
      size: sizeOn(members, addDays(end, -1)),
      joined: stints.filter((s) => within(s.joinedOn)).length,
      left: stints.filter((s) => s.leftOn !== null && within(s.leftOn)).length,
      meetings: held.length,
      attendanceRate: expected === 0 ? null : attended / expected,
      outsideContacts: contacts.filter((c) => within(c.on)).length,
      neighboursInvolved: members.filter((m) => m.neighbourSince !== null && m.neighbourSince < end).length,
    });
  }
  return points;
}

/** A network that got smaller at the end of each of its last three periods needs new members. */
export function isShrinking(points: readonly GrowthPoint[]): boolean {
  if (points.length < 3) return false;
  const [a, b, c] = points.slice(-3).map((p) => p.size);
  return a > b && b > c;
}

export interface DoublingStep {
  sequence: number;
  heldOn: IsoDate;
  membersAfter: number;
  /** Members after this meeting / members after the previous one; null for the first meeting. */
  factor: number | null;
}

/** Samenkracht: each participant brings someone, so the circle should double from meeting to meeting. */
export function doublingOf(members: readonly MemberDoc[], meetings: readonly MeetingDoc[]): DoublingStep[] {
  const ordered = [...meetings].sort((a, b) => a.sequence - b.sequence);
  return ordered.map((meeting, index) => {
    const membersAfter = sizeOn(members, meeting.heldOn);
    const before = index === 0 ? null : sizeOn(members, ordered[index - 1].heldOn);
    return { sequence: meeting.sequence, heldOn: meeting.heldOn, membersAfter, factor: before ? membersAfter / before : null };
  });
}
