/**
 * Who a facilitator may reach (the scope of the FACILITATOR role): the networks they facilitate now
 * (assigned, until replaced), the people who are members of those networks now, and the people they
 * registered themselves. A small read model of its own, so that an authorisation check reads a few
 * indexed rows and waits for this projection only.
 */
import { collection, pairKey, type Projected, projection, schemasOf } from '../shared/projection';
import { NetworkEvent, networkEventSchemas } from '../network/events';
import { ParticipantEvent, participantEventSchemas } from '../participant/events';
import { ReferralEvent, referralEventSchemas } from '../referral/events';

type Event = Projected<
  | Extract<NetworkEvent, { type: 'FacilitatorAssigned' | 'ParticipantJoined' | 'NeighbourInvolved' | 'ParticipantLeft' }>
  | Extract<ParticipantEvent, { type: 'ParticipantRegistered' }>
  | Extract<ReferralEvent, { type: 'ReferredToBuddyProgramme' }>
>;

/** A facilitator of a network, now. */
export interface StaffingDoc {
  networkId: string;
  staffId: string;
}

/** A member of a network, now (whatever their role). */
export interface MembershipDoc {
  networkId: string;
  participantId: string;
}

/** Who registered a participant (the actor of ParticipantRegistered). */
export interface RegistrationDoc {
  participantId: string;
  registeredBy: string | null;
}

/** Whose referral this is. */
export interface ReferralSubjectDoc {
  referralId: string;
  participantId: string;
}

export const staffingDocs = collection<Event, StaffingDoc>()({
  name: 'staffing',
  columns: { network_id: { type: 'text', of: (d) => d.networkId }, staff_id: { type: 'text', of: (d) => d.staffId } },
  keys(e) {
    if (e.type !== 'FacilitatorAssigned') return [];
    const { networkId, staffId, replacesStaffId } = e.data;
    return replacesStaffId ? [pairKey(networkId, staffId), pairKey(networkId, replacesStaffId)] : [pairKey(networkId, staffId)];
  },
  evolve(doc, e, key) {
    if (e.type !== 'FacilitatorAssigned') return doc;
    const { networkId, staffId } = e.data;
    // The replaced facilitator's row goes: their scope ends with the replacement.
    return key === pairKey(networkId, staffId) ? { networkId, staffId } : undefined;
  },
});

export const membershipDocs = collection<Event, MembershipDoc>()({
  name: 'memberships',
  columns: { network_id: { type: 'text', of: (d) => d.networkId }, participant_id: { type: 'text', of: (d) => d.participantId } },
  keys: (e) =>
    e.type === 'ParticipantJoined' || e.type === 'NeighbourInvolved' || e.type === 'ParticipantLeft'
      ? [pairKey(e.data.networkId, e.data.participantId)]
      : [],
  evolve(doc, e) {
    if (e.type === 'ParticipantJoined' || e.type === 'NeighbourInvolved')
      return { networkId: e.data.networkId, participantId: e.data.participantId };
    return e.type === 'ParticipantLeft' ? undefined : doc;
  },
});

export const registrationDocs = collection<Event, RegistrationDoc>()({
  name: 'registrations',
  columns: { registered_by: { type: 'text', of: (d) => d.registeredBy } },
  keys: (e) => (e.type === 'ParticipantRegistered' ? [e.data.participantId] : []),
  evolve: (doc, e) =>
    e.type === 'ParticipantRegistered' ? { participantId: e.data.participantId, registeredBy: e.metadata?.actorId ?? null } : doc,
});

export const referralSubjectDocs = collection<Event, ReferralSubjectDoc>()({
  name: 'referrals',
  columns: { participant_id: { type: 'text', of: (d) => d.participantId } },
  keys: (e) => (e.type === 'ReferredToBuddyProgramme' ? [e.data.referralId] : []),
  evolve: (doc, e) =>
    e.type === 'ReferredToBuddyProgramme' ? { referralId: e.data.referralId, participantId: e.data.participantId } : doc,
});

export const scopeProjection = projection<Event>()({
  name: 'scope',
  version: 1,
  events: {
    ...schemasOf(networkEventSchemas, 'FacilitatorAssigned', 'ParticipantJoined', 'NeighbourInvolved', 'ParticipantLeft'),
    ...schemasOf(participantEventSchemas, 'ParticipantRegistered'),
    ...schemasOf(referralEventSchemas, 'ReferredToBuddyProgramme'),
  },
  collections: [staffingDocs, membershipDocs, registrationDocs, referralSubjectDocs],
});

/** What decides whether a facilitator reaches one participant. */
export interface ParticipantReach {
  /** The networks the facilitator facilitates now. */
  staffed: ReadonlySet<string>;
  registration: RegistrationDoc | undefined;
  memberships: readonly MembershipDoc[];
}

/** A facilitator reaches a participant they registered, or one who is a member now of a network they facilitate now. */
export function reachesParticipant(staffId: string, { staffed, registration, memberships }: ParticipantReach): boolean {
  return registration?.registeredBy === staffId || memberships.some((m) => staffed.has(m.networkId));
}
