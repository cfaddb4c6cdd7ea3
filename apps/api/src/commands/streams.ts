import {
  checkEvent,
  Decider,
  DomainEvent,
  EventSchemas,
  NetworkCommand,
  networkDecider,
  NetworkEvent,
  networkEventSchemas,
  NetworkState,
  ParticipantCommand,
  participantDecider,
  ParticipantEvent,
  participantEventSchemas,
  ParticipantState,
  PersonalData,
  ReferralCommand,
  referralDecider,
  ReferralEvent,
  referralEventSchemas,
  ReferralState,
  subjectsErasedBy,
} from '@kring/domain';
import type { EventMetadata, JsonObject, NewEvent, RecordedEvent } from '@kring/event-store';
import type { PersonalDataCipher } from '@kring/privacy';

/** One kind of stream: its name prefix, its decider, and the schema of each of its events. */
export interface StreamKind<Command, Event extends DomainEvent<string, object>, State> {
  category: string;
  decider: Decider<Command, Event, State>;
  schemas: EventSchemas<Event>;
  /** Data subjects whose keys must be destroyed before these events are stored (crypto-shredding). */
  erases?(event: Event): string[];
}

export const NETWORK_STREAM: StreamKind<NetworkCommand, NetworkEvent, NetworkState> = {
  category: 'network',
  decider: networkDecider,
  schemas: networkEventSchemas,
};

export const PARTICIPANT_STREAM: StreamKind<ParticipantCommand, ParticipantEvent, ParticipantState> = {
  category: 'participant',
  decider: participantDecider,
  schemas: participantEventSchemas,
  erases: subjectsErasedBy,
};

export const REFERRAL_STREAM: StreamKind<ReferralCommand, ReferralEvent, ReferralState> = {
  category: 'referral',
  decider: referralDecider,
  schemas: referralEventSchemas,
};

export const streamIdOf = (kind: { category: string }, id: string): string => `${kind.category}-${id}`;

/** Any domain event: facts in `data`, one subject's texts (if any) in `data.personal`. */
export type AnyEvent = DomainEvent<string, object>;

const personalOf = (data: object): PersonalData | undefined => (data as { personal?: PersonalData }).personal;

/** The stored form of domain events: the same shape, every text of `data.personal` sealed for its subject. */
export async function encodeEvents<Event extends AnyEvent>(
  cipher: PersonalDataCipher,
  events: readonly Event[],
  schemas: EventSchemas<Event>,
  newId: () => string,
  metadata: EventMetadata,
): Promise<NewEvent[]> {
  const sealed = await cipher.seal(events.flatMap(({ data }) => personalOf(data) ?? []));
  let next = 0;
  return events.map(({ type, data }) => ({
    id: newId(),
    type,
    version: (schemas as Record<string, { version: number }>)[type].version,
    data: (personalOf(data) ? { ...data, personal: sealed[next++] } : data) as JsonObject,
    metadata,
  }));
}

/**
 * Domain events from stored ones: each checked against its schema (a malformed one is named by stream
 * and position), `data.personal` opened again ("[vergeten]" in every text of a forgotten subject).
 */
export async function decodeEvents<Event extends AnyEvent>(
  cipher: PersonalDataCipher,
  schemas: EventSchemas<Event>,
  recorded: readonly RecordedEvent[],
): Promise<Event[]> {
  for (const event of recorded) checkEvent(schemas, event);
  const opened = await cipher.open(
    recorded.flatMap((event) => (event.data.personal ? [event.data.personal as unknown as PersonalData] : [])),
  );
  let next = 0;
  // Checked above against the schemas the compiler checked against Event: the one place a stored event becomes a domain event.
  return recorded.map(
    ({ type, data }) => ({ type, data: data.personal ? { ...data, personal: opened[next++] } : data }) as unknown as Event,
  );
}
