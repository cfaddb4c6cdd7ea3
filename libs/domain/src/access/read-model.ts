/** The access log (NEN 7513): every read, and every recorded change, of a person's data, by whom and why. */
import { participantEventVersions } from '../participant/events';
import { referralEventVersions } from '../referral/events';
import type { Collection, Projected, ProjectedEvent, ProjectionDefinition } from '../shared/projection';
import type { AccessAction, AccessEvent, AccessOutcome } from './events';

/** A command's event that concerns one person: its subject is in `personal`, or it names the participant. */
type ChangeEvent = ProjectedEvent<string, { participantId?: string; personal?: { subjectId: string } }>;
type Event = Projected<AccessEvent> | ChangeEvent;

export interface AccessEntryDoc {
  id: string;
  /** When the log recorded it (ISO instant). */
  at: string;
  actorId: string;
  actorRoles: string[];
  subjectId: string;
  action: AccessAction;
  what: string;
  purpose: string;
  outcome: AccessOutcome;
}

/** Network events that carry one person's data; every participant and referral event concerns one person. */
const NETWORK_CHANGES = [
  'FacilitatorAssigned',
  'ParticipantJoined',
  'ParticipantLeft',
  'NeighbourInvolved',
  'NeighbourGuided',
  'AbsenceFollowedUp',
  'HelpExchanged',
  'PlanAgreed',
] as const;

const ACTION_OF_CHANGE: Record<string, AccessAction> = { ParticipantRegistered: 'CREATE', ParticipantForgotten: 'ERASE' };

const isRead = (e: Event): e is Projected<AccessEvent> => e.type === 'RecordAccessed';
const subjectOfChange = (e: ChangeEvent): string | undefined => e.data.personal?.subjectId ?? e.data.participantId;

const entries: Collection<Event, AccessEntryDoc> = {
  name: 'entries',
  columns: { subject_id: { type: 'text', of: (entry) => entry.subjectId } },
  keys: (e) => (isRead(e) || subjectOfChange(e) !== undefined ? [e.id] : []),
  evolve(_, e) {
    const at = e.recordedAt.toISOString();
    if (isRead(e)) {
      const { actorId, actorRoles, subjectId, action, what, purpose, outcome } = e.data;
      return { id: e.id, at, actorId, actorRoles, subjectId, action, what, purpose, outcome };
    }
    const metadata = e.metadata ?? {};
    return {
      id: e.id,
      at,
      actorId: metadata.actorId ?? 'unknown',
      actorRoles: metadata.actorRoles ?? [],
      subjectId: subjectOfChange(e)!,
      action: ACTION_OF_CHANGE[e.type] ?? 'UPDATE',
      what: e.type,
      // Events recorded before commands carried a purpose say which command wrote them.
      purpose: metadata.purpose ?? metadata.commandType ?? 'unrecorded',
      outcome: 'SUCCESS',
    };
  },
};

export const accessProjection: ProjectionDefinition<Event> = {
  name: 'access',
  version: 1,
  eventTypes: ['RecordAccessed', ...NETWORK_CHANGES, ...Object.keys(participantEventVersions), ...Object.keys(referralEventVersions)],
  collections: [entries],
};

/** One person's entries recorded within [from, to] (ISO instants, either open), oldest first. */
export function accessEntriesBetween(entries: readonly AccessEntryDoc[], from?: string, to?: string): AccessEntryDoc[] {
  const start = from === undefined ? -Infinity : Date.parse(from);
  const end = to === undefined ? Infinity : Date.parse(to);
  return entries
    .filter((entry) => Date.parse(entry.at) >= start && Date.parse(entry.at) <= end)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
