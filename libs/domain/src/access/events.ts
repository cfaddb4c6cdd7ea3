import type { EventSchemas } from '../shared/event-schema';
import type { DomainEvent } from '../shared/decider';

/** What an access-log entry says was done with a person's data (the contract's AccessEntry.action). */
export type AccessAction = 'READ' | 'CREATE' | 'UPDATE' | 'ERASE' | 'EXPORT';
export type AccessOutcome = 'SUCCESS' | 'DENIED';

/**
 * NEN 7513's action codes: Create, Read, Update, Delete, Execute. An export discloses data, so it is a
 * read; an erasure deletes it; Execute is kept for operations on no one's record.
 */
export type ActionCode = 'C' | 'R' | 'U' | 'D' | 'E';
export const ACTION_CODES: Record<AccessAction, ActionCode> = { CREATE: 'C', READ: 'R', UPDATE: 'U', ERASE: 'D', EXPORT: 'R' };

/**
 * Someone read (or was refused) a person's data through the system, and why: the NEN 7513 record of
 * a read, and of every refused operation (a refused command says what it would have done).
 * Successful writes need no event of their own: every command's events already name actor and
 * purpose. Stored in a stream per request (`access-<requestId>`); a topic read is personal, like the topic itself.
 */
export type AccessEvent = DomainEvent<
  'RecordAccessed',
  {
    actorId: string;
    actorRoles: string[];
    subjectId: string;
    action: AccessAction;
    /** Which data, e.g. "Network.members.displayName" or "sharedInformation". */
    what: string;
    purpose: string;
    outcome: AccessOutcome;
    personal: { subjectId: string; topic?: string };
  }
>;

/** The schema version and fields of RecordAccessed, checked on every read (see shared/event-schema.ts). */
export const accessEventSchemas: EventSchemas<AccessEvent> = {
  RecordAccessed: {
    version: 1,
    data: {
      actorId: 'string',
      actorRoles: 'strings',
      subjectId: 'string',
      action: 'string',
      what: 'string',
      purpose: 'string',
      outcome: 'string',
    },
    personal: { topic: 'text?' },
  },
};
