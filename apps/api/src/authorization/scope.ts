import { Injectable } from '@nestjs/common';
import {
  type CollectionOf,
  membershipDocs,
  reachesParticipant,
  referralSubjectDocs,
  registrationDocs,
  scopeProjection,
  staffingDocs,
} from '@kring/domain';
import type { DocumentView } from '@kring/projections';
import { ReadModels } from '../read-models/read-models';
import { isPlausibleId, Target } from './access-rules';

/** What one facilitator reaches now: what list queries are cut down to. */
export interface FacilitatorReach {
  networks: ReadonlySet<string>;
  participants: ReadonlySet<string>;
}

/**
 * Reads the scope read model: which networks a facilitator facilitates now, and which people and
 * referrals that brings within reach. `after` makes it read what the log held at that position.
 */
@Injectable()
export class ScopeLookup {
  constructor(private readonly readModels: ReadModels) {}

  get checkpoint(): bigint {
    return this.readModels.engine.checkpoint(scopeProjection.name);
  }

  async reachesAll(staffId: string, targets: readonly Target[], after?: bigint): Promise<boolean> {
    return this.readModels.read(scopeProjection, { after }, async (view) => {
      const staffed = await staffedBy(view, staffId);
      for (const target of targets) if (!(await reaches(view, staffId, staffed, target))) return false;
      return true;
    });
  }

  async reachOf(staffId: string, after?: bigint): Promise<FacilitatorReach> {
    return this.readModels.read(scopeProjection, { after }, async (view) => {
      const networks = await staffedBy(view, staffId);
      const members = await view.groupedBy(membershipDocs, 'network_id', [...networks]);
      const registered = await view.documents(registrationDocs, { registered_by: staffId });
      return {
        networks,
        participants: new Set([...members.flat().map((m) => m.participantId), ...registered.map((r) => r.participantId)]),
      };
    });
  }
}

type ScopeView = DocumentView<CollectionOf<typeof scopeProjection>>;

async function staffedBy(view: ScopeView, staffId: string): Promise<Set<string>> {
  return new Set((await view.documents(staffingDocs, { staff_id: staffId })).map((s) => s.networkId));
}

async function reaches(view: ScopeView, staffId: string, staffed: ReadonlySet<string>, target: Target): Promise<boolean> {
  if ('network' in target) return isPlausibleId(target.network) && staffed.has(target.network);
  let participantId: unknown = 'participant' in target ? target.participant : undefined;
  if ('referral' in target) {
    if (!isPlausibleId(target.referral)) return false;
    participantId = (await view.byKeys(referralSubjectDocs, [target.referral]))[0]?.participantId;
  }
  if (!isPlausibleId(participantId)) return false;
  const [[registration], [memberships]] = await Promise.all([
    view.byKeys(registrationDocs, [participantId]),
    view.groupedBy(membershipDocs, 'participant_id', [participantId]),
  ]);
  return reachesParticipant(staffId, { staffed, registration, memberships });
}
