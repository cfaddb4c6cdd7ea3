import {
  Decider,
  NetworkCommand,
  networkDecider,
  NetworkEvent,
  networkEventVersions,
  NetworkState,
  ParticipantCommand,
  participantDecider,
  ParticipantEvent,
  participantEventVersions,
  ParticipantState,
  PersonalData,
  ReferralCommand,
  referralDecider,
  ReferralEvent,
  referralEventVersions,
  ReferralState,
  subjectsErasedBy,
} from '@kring/domain';
import type { EventMetadata, JsonObject, NewEvent, RecordedEvent } from '@kring/event-store';
import type { PersonalDataCipher } from '@kring/privacy';

/** One kind of stream: its name prefix, its decider, and the schema version of each of its events. */
export interface StreamKind<Command, Event extends { type: string }, State> {
  category: string;
  decider: Decider<Command, Event, State>;
  versions: Record<Event['type'], number>;
  /** Data subjects whose keys must be destroyed before these events are stored (crypto-shredding). */
  erases?: (event: Event) => string[];
}

export const NETWORK_STREAM: StreamKind<NetworkCommand, NetworkEvent, NetworkState> = {
  category: 'network',
  decider: networkDecider,
  versions: networkEventVersions,
};

export const PARTICIPANT_STREAM: StreamKind<ParticipantCommand, ParticipantEvent, ParticipantState> = {
  category: 'participant',
  decider: participantDecider,
  versions: participantEventVersions,
  erases: subjectsErasedBy,
};

export const REFERRAL_STREAM: StreamKind<ReferralCommand, ReferralEvent, ReferralState> = {
  category: 'referral',
  decider: referralDecider,
  versions: referralEventVersions,
};

export const streamIdOf = (kind: { category: string }, id: string): string => `${kind.category}-${id}`;

/** A domain event: facts every reader may see in `data`, one person's (or one network's) texts in `personal`. */
export type AnyEvent = { type: string; data: object; personal?: PersonalData };

/**
 * The stored form of domain events: every text of `personal` sealed for its subject and carried under
 * `data.personal`, so nothing personal reaches storage in plain text.
 */
export async function encodeEvents(
  cipher: PersonalDataCipher,
  events: readonly AnyEvent[],
  versionOf: (type: string) => number,
  newId: () => string,
  metadata: EventMetadata,
): Promise<NewEvent[]> {
  const sealed = await cipher.seal(events.flatMap((event) => (event.personal ? [event.personal] : [])));
  let next = 0;
  return events.map(({ type, data, personal }) => ({
    id: newId(),
    type,
    version: versionOf(type),
    data: { ...data, ...(personal ? { personal: sealed[next++] } : {}) } as JsonObject,
    metadata,
  }));
}

/** Domain events from stored ones, `personal` opened again ("[vergeten]" in every text of a forgotten subject). */
export async function decodeEvents<Event extends AnyEvent>(
  cipher: PersonalDataCipher,
  recorded: readonly RecordedEvent[],
): Promise<Event[]> {
  const stored = recorded.flatMap((event) => (event.data.personal ? [event.data.personal as unknown as PersonalData] : []));
  const opened = await cipher.open(stored);
  let next = 0;
  return recorded.map(
    ({ type, data: { personal, ...data } }) => ({ type, data, personal: personal ? opened[next++] : undefined }) as Event,
  );
}
