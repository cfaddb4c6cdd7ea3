import { DomainError } from '../shared/decider';
import type { AccessAction, AccessEvent, AccessOutcome } from './events';

/** One piece of a person's data that a response is about to show (or an operation that was refused). */
export interface AccessRead {
  subjectId: string;
  what: string;
  /** READ unless said otherwise: a refused command records what it would have done. */
  action?: AccessAction;
  /** For shared information: the topic read, so the knowledge trail can say who read it. */
  topic?: string;
  outcome: AccessOutcome;
}

export interface RecordAccess {
  actor: { id: string; roles: readonly string[] };
  purpose: string;
  reads: readonly AccessRead[];
}

/**
 * The RecordAccessed events for the reads of one batch of a response: one per distinct piece of
 * data and outcome, since a list that shows a name twice revealed it once. There is no state: a read
 * is never refused for having happened before, only a read without purpose or subject is.
 */
export function recordAccess({ actor, purpose, reads }: RecordAccess): AccessEvent[] {
  if (purpose.trim() === '') throw new DomainError('INVALID', 'a read of personal data needs a purpose', 'purpose');
  const seen = new Set<string>();
  const events: AccessEvent[] = [];
  for (const { subjectId, what, topic, outcome, action = 'READ' } of reads) {
    if (subjectId === '' || what === '') throw new DomainError('INVALID', 'a recorded read names whose data and which', 'reads');
    const key = JSON.stringify([subjectId, what, topic ?? null, outcome, action]);
    if (seen.has(key)) continue;
    seen.add(key);
    events.push({
      type: 'RecordAccessed',
      data: {
        actorId: actor.id,
        actorRoles: [...actor.roles],
        subjectId,
        action,
        what,
        purpose,
        outcome,
        personal: topic === undefined ? { subjectId } : { subjectId, topic },
      },
    });
  }
  return events;
}
