import { Injectable } from '@nestjs/common';
import type { MeetingDoc, MemberDoc, PersonNameDoc } from '@kring/domain';
import DataLoader from 'dataloader';
import { ReadModels } from '../read-models/read-models';

const NO_CACHE = { cache: false };

export interface NetworkLoaders {
  members: DataLoader<string, MemberDoc[]>;
  meetings: DataLoader<string, MeetingDoc[]>;
  people: DataLoader<string, PersonNameDoc | undefined>;
}

/**
 * Per request, one query per kind for all networks and members a response shows: a list of 50
 * networks with their members and names costs three queries, not 50 + 50 × members. Batching only,
 * no cache: a subscription keeps its context for hours, and each push must show the network as it is.
 */
@Injectable()
export class NetworkLoaderFactory {
  private readonly perRequest = new WeakMap<object, NetworkLoaders>();

  constructor(private readonly readModels: ReadModels) {}

  for(request: object): NetworkLoaders {
    let loaders = this.perRequest.get(request);
    if (!loaders) {
      const read = <T>(work: Parameters<ReadModels['read']>[2]) => this.readModels.read('networks', {}, work) as Promise<T>;
      loaders = {
        members: new DataLoader((ids) => read<MemberDoc[][]>((view) => view.groupedBy<MemberDoc>('members', 'network_id', ids)), NO_CACHE),
        meetings: new DataLoader(
          (ids) => read<MeetingDoc[][]>((view) => view.groupedBy<MeetingDoc>('meetings', 'network_id', ids)),
          NO_CACHE,
        ),
        people: new DataLoader(
          (ids) => read<Array<PersonNameDoc | undefined>>((view) => view.byKeys<PersonNameDoc>('people', ids)),
          NO_CACHE,
        ),
      };
      this.perRequest.set(request, loaders);
    }
    return loaders;
  }
}
