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
  ReferralCommand,
  referralDecider,
  ReferralEvent,
  referralEventVersions,
  ReferralState,
} from '@kring/domain';
import type { EventMetadata, JsonObject, NewEvent } from '@kring/event-store';

/** One kind of stream: its name prefix, its decider, and the schema version of each of its events. */
export interface StreamKind<Command, Event extends { type: string }, State> {
  category: string;
  decider: Decider<Command, Event, State>;
  versions: Record<Event['type'], number>;
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
};

export const REFERRAL_STREAM: StreamKind<ReferralCommand, ReferralEvent, ReferralState> = {
  category: 'referral',
  decider: referralDecider,
  versions: referralEventVersions,
};

export const streamIdOf = (kind: StreamKind<unknown, { type: string }, unknown>, id: string): string => `${kind.category}-${id}`;

/** The stored form of a domain event: personal data travels under `data.personal`, ready to be encrypted per person. */
export function encodeEvent(
  event: { type: string; data: object; personal?: object },
  version: number,
  id: string,
  metadata: EventMetadata,
): NewEvent {
  const { type, data, personal } = event;
  return { id, type, version, data: { ...data, ...(personal ? { personal } : {}) } as JsonObject, metadata };
}
