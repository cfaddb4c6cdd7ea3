/** The access log (NEN 7513): every read, and every recorded change, of a person's data, by whom and why. */
import { networkEventSchemas } from '../network/events';
import { participantEventSchemas } from '../participant/events';
import { referralEventSchemas } from '../referral/events';
import { collection, type Projected, type ProjectedEvent, projection, schemasOf } from '../shared/projection';
import { ACTION_CODES, AccessAction, AccessEvent, AccessOutcome, ActionCode, accessEventSchemas } from './events';

/** A command's event that concerns one person: its subject is in `personal`, or it names the participant. */
type ChangeEvent = ProjectedEvent<string, { participantId?: string; personal?: { subjectId: string } }>;
/** What the access log is made of: reads, and the events of commands that change a person's data. */
export type AccessLogEvent = Projected<AccessEvent> | ChangeEvent;
type Event = AccessLogEvent;

/** One entry with the NEN 7513 fields: event id, action (and its code), when, outcome, who and in which role, why, whose data and which, and the source system. */
export interface AccessEntryDoc {
  /** The id of the event in the log that is this entry (a read) or that it describes (a change). */
  id: string;
  /** Where that event sits in the log: its hash chain proves the entry unchanged (see verifyAccessLog). */
  position: number;
  /** When the log recorded it (ISO instant). */
  at: string;
  actorId: string;
  actorRoles: string[];
  subjectId: string;
  action: AccessAction;
  actionCode: ActionCode;
  what: string;
  purpose: string;
  outcome: AccessOutcome;
  /** The system and host that recorded it (e.g. kring-api@host). */
  sourceSystem: string;
}

/** Network events that carry one person's data; every participant and referral event concerns one person. */
const NETWORK_CHANGES = schemasOf(
  networkEventSchemas,
  'FacilitatorAssigned',
  'ParticipantJoined',
  'ParticipantLeft',
  'NeighbourInvolved',
  'NeighbourGuided',
  'AbsenceFollowedUp',
  'HelpExchanged',
  'PlanAgreed',
);

const ACTION_OF_CHANGE: Record<string, AccessAction> = { ParticipantRegistered: 'CREATE', ParticipantForgotten: 'ERASE' };

const isRead = (e: Event): e is Projected<AccessEvent> => e.type === 'RecordAccessed';
const subjectOfChange = (e: ChangeEvent): string | undefined => e.data.personal?.subjectId ?? e.data.participantId;

/** The entry an event makes in the access log (pure: verifyAccessLog derives it again to check the stored one). */
export function accessEntryOf(e: Event): AccessEntryDoc {
  const at = e.recordedAt.toISOString();
  const metadata = e.metadata ?? {};
  const sourceSystem = metadata.source ?? 'unrecorded';
  // Whole literals, no spread of a common part: V8 builds `{ ...part, more }` an order of magnitude slower, once per entry of a rebuild.
  if (isRead(e)) {
    const { actorId, actorRoles, subjectId, action, what, purpose, outcome } = e.data;
    return {
      id: e.id,
      position: Number(e.position),
      at,
      actorId,
      actorRoles,
      subjectId,
      action,
      actionCode: ACTION_CODES[action],
      what,
      purpose,
      outcome,
      sourceSystem,
    };
  }
  const action = ACTION_OF_CHANGE[e.type] ?? 'UPDATE';
  return {
    id: e.id,
    position: Number(e.position),
    at,
    actorId: metadata.actorId ?? 'unknown',
    actorRoles: metadata.actorRoles ?? [],
    subjectId: subjectOfChange(e)!,
    action,
    actionCode: ACTION_CODES[action],
    what: e.type,
    // Events recorded before commands carried a purpose say which command wrote them.
    purpose: metadata.purpose ?? metadata.commandType ?? 'unrecorded',
    outcome: 'SUCCESS',
    sourceSystem,
  };
}

/** Whether an event makes an entry: every read, and every change that concerns one person. */
export const isAccessEntry = (e: Event): boolean => isRead(e) || subjectOfChange(e) !== undefined;

export const accessEntryDocs = collection<Event, AccessEntryDoc>()({
  name: 'entries',
  columns: {
    subject_id: { type: 'text', of: (entry) => entry.subjectId },
    position: { type: 'bigint', of: (entry) => entry.position },
  },
  keys: (e) => (isAccessEntry(e) ? [e.id] : []),
  evolve: (_, e) => accessEntryOf(e),
});

export const accessProjection = projection<Event>()({
  name: 'access',
  // 2: NEN 7513 action code, source system and log position on every entry.
  version: 2,
  events: { ...accessEventSchemas, ...NETWORK_CHANGES, ...participantEventSchemas, ...referralEventSchemas },
  collections: [accessEntryDocs],
});

/** One person's entries recorded within [from, to] (ISO instants, either open), oldest first. */
export function accessEntriesBetween(entries: readonly AccessEntryDoc[], from?: string, to?: string): AccessEntryDoc[] {
  const start = from === undefined ? -Infinity : Date.parse(from);
  const end = to === undefined ? Infinity : Date.parse(to);
  return entries
    .filter((entry) => Date.parse(entry.at) >= start && Date.parse(entry.at) <= end)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
