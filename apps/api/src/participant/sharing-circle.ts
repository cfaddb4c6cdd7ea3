import { Inject, Injectable } from '@nestjs/common';
import { memberDocs, networksProjection, type SharingCircle } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { CommandRunner } from '../commands/command-runner';
import { NETWORK_STREAM } from '../commands/streams';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';

/**
 * Who a participant may let know about a topic: the current members and facilitators of the networks they
 * belong to now. Memberships live on the network streams; the networks read model (indexed by
 * participant) names the networks this person was ever in, read once it has caught up with the log's head
 * as it stands now, so no membership recorded before this command is missed. Each network's own stream
 * then says who is in it today. The cost follows the person's networks, not the length of the log.
 */
@Injectable()
export class SharingCircleLookup {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: CommandRunner,
    private readonly readModels: ReadModels,
  ) {}

  async of(participantId: string): Promise<SharingCircle> {
    const head = await this.store.headPosition();
    const memberships = await this.readModels.read(networksProjection, { after: head }, (view) =>
      view.documents(memberDocs, { participant_id: participantId }),
    );
    const members = new Set<string>();
    const staff = new Set<string>();
    for (const networkId of new Set(memberships.map((membership) => membership.networkId))) {
      const network = await this.runner.state(NETWORK_STREAM, networkId);
      if (network.status !== 'open' || !network.members.has(participantId)) continue;
      network.members.forEach((_, id) => members.add(id));
      network.facilitators.forEach((id) => staff.add(id));
    }
    members.delete(participantId);
    return { members, staff };
  }
}
