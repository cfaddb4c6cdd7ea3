/**
 * The log as evaluators may take it away: only the events impact figures need, no names or free text,
 * and people as keyed pseudonyms. `ImpactCalculator` gives the same figures from it as from the log.
 *
 * - People who consented to evaluation (at the end of the log) and were not forgotten appear under a
 *   stable pseudonym (the caller's keyed hash), with their support, outcomes and referrals.
 * - Everyone else appears only where network figures count them (joining, leaving, attending), under
 *   a token numbered in order of appearance in this export: nothing ties it to them or to another export.
 * - Staff ids, network names and purposes, and every personal text are left out (empty).
 */
import { type AnySchema, checkEvent } from '../shared/event-schema';
import { asEventOf, type Projected, type StoredEvent } from '../shared/projection';
import { participantEventSchemas, type ParticipantEvent } from '../participant/events';
import { IMPACT_EVENT_SCHEMAS } from './impact';

export const EXPORT_FORMAT = 'kring-evaluation-export';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  /** The last position of the log the export was made from. */
  headPosition: string;
}

/** One exported event: where it sat in the log and when it was recorded (for --as-of), and its data. */
export interface ExportedEvent {
  position: string;
  recordedAt: string;
  type: string;
  version: number;
  data: Record<string, unknown>;
}

type ConsentEvent = Projected<
  Extract<ParticipantEvent, { type: 'ParticipantRegistered' | 'ConsentGiven' | 'ConsentWithdrawn' | 'ParticipantForgotten' }>
>;
const CONSENT_SCHEMAS: Readonly<Record<ConsentEvent['type'], AnySchema>> = {
  ParticipantRegistered: participantEventSchemas.ParticipantRegistered,
  ConsentGiven: participantEventSchemas.ConsentGiven,
  ConsentWithdrawn: participantEventSchemas.ConsentWithdrawn,
  ParticipantForgotten: participantEventSchemas.ParticipantForgotten,
};

/** Who consented to evaluation by the end of the log: the first of the export's two passes. */
export class EvaluationConsents {
  private readonly consent = new Map<string, boolean>();

  add(stored: StoredEvent): void {
    if (!Object.hasOwn(CONSENT_SCHEMAS, stored.type)) return;
    const event = asEventOf<ConsentEvent>(CONSENT_SCHEMAS, stored);
    const { participantId } = event.data;
    if (event.type === 'ParticipantRegistered') this.consent.set(participantId, event.data.consentToEvaluation);
    else if (event.type === 'ParticipantForgotten') this.consent.set(participantId, false);
    else if (event.data.purpose === 'evaluation') this.consent.set(participantId, event.type === 'ConsentGiven');
  }

  consented(participantId: string): boolean {
    return this.consent.get(participantId) === true;
  }
}

const PERSON_EVENTS = new Set([
  'ParticipantRegistered',
  'IndividualSupportSet',
  'SupportScaledDown',
  'SupportScaledUp',
  'OutcomeMeasured',
  'ConsentGiven',
  'ConsentWithdrawn',
  'ReferredToBuddyProgramme',
  'ReferralClosed',
]);

/** The second pass: each event as exported, or undefined when it does not go out. */
export class EvaluationExporter {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly consents: EvaluationConsents,
    /** A stable keyed pseudonym for a consenting person's id. */
    private readonly pseudonym: (participantId: string) => string,
  ) {}

  private who(id: string): string {
    if (this.consents.consented(id)) return this.pseudonym(id);
    if (!this.tokens.has(id)) this.tokens.set(id, `x${this.tokens.size + 1}`);
    return this.tokens.get(id)!;
  }

  exported(event: StoredEvent): ExportedEvent | undefined {
    if (!Object.hasOwn(IMPACT_EVENT_SCHEMAS, event.type) || event.type === 'ParticipantForgotten') return undefined;
    // Checked like every event read (a malformed one is named); then rewritten field by field, whatever its type.
    checkEvent(IMPACT_EVENT_SCHEMAS, event);
    const data = { ...event.data };
    if (PERSON_EVENTS.has(event.type) && !this.consents.consented(String(data.participantId))) return undefined;
    for (const field of ['participantId', 'focalParticipantId', 'invitedBy', 'chosenBy'])
      if (typeof data[field] === 'string') data[field] = this.who(data[field] as string);
    for (const field of ['attended', 'absent', 'between'])
      if (Array.isArray(data[field])) data[field] = (data[field] as string[]).map((id) => this.who(id));
    if (event.type === 'NetworkStarted') Object.assign(data, { name: '', purpose: '' });
    if (event.type === 'IndividualSupportSet') data.setBy = '';
    if (data.personal !== undefined)
      data.personal = Object.fromEntries(Object.keys(data.personal as object).map((field) => [field, field === 'subjectId' ? '-' : '']));
    return {
      position: event.position.toString(),
      recordedAt: event.recordedAt.toISOString(),
      type: event.type,
      version: event.version,
      data,
    };
  }
}

/** An exported event as the calculator takes it (its stream is not exported: stream ids name people). */
export function fromExport(event: ExportedEvent): StoredEvent {
  return {
    id: `export-${event.position}`,
    streamId: 'export',
    position: BigInt(event.position),
    recordedAt: new Date(event.recordedAt),
    type: event.type,
    version: event.version,
    data: event.data,
  };
}
