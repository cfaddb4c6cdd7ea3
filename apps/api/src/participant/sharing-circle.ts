import { Inject, Injectable } from '@nestjs/common';
import type { SharingCircle } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { CommandRunner } from '../commands/command-runner';
import { NETWORK_STREAM } from '../commands/streams';
import { EVENT_STORE } from '../event-store/event-store.module';

const MEMBERSHIP_EVENTS = ['ParticipantJoined', 'NeighbourInvolved', 'ParticipantLeft'];

/**
 * Who a participant may let know about a topic: the current members and facilitators of the networks they
 * belong to now. Memberships live on the network streams, so the participant's networks are found in the
 * log's membership events, and each network's own stream then says who is in it today.
 */
@Injectable()
export class SharingCircleLookup {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: CommandRunner,
  ) {}

  async of(participantId: string): Promise<SharingCircle> {
    const candidates = new Set<string>();
    for await (const event of this.store.readAll({ eventTypes: MEMBERSHIP_EVENTS, batchSize: 2000 })) {
      if (event.data.participantId === participantId) candidates.add(String(event.data.networkId));
    }
    const members = new Set<string>();
    const staff = new Set<string>();
    for (const networkId of candidates) {
      const network = await this.runner.state(NETWORK_STREAM, networkId);
      if (network.status !== 'open' || !network.members.has(participantId)) continue;
      network.members.forEach((_, id) => members.add(id));
      network.facilitators.forEach((id) => staff.add(id));
    }
    members.delete(participantId);
    return { members, staff };
  }
}
