import { Injectable } from '@nestjs/common';
import {
  type CollectionOf,
  type MeetingDoc,
  meetingDocs,
  type MemberDoc,
  memberDocs,
  networksProjection,
  type PersonNameDoc,
  personNameDocs,
} from '@kring/domain';
import type { DocumentView } from '@kring/projections';
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
      const read = <T>(work: (view: DocumentView<CollectionOf<typeof networksProjection>>) => Promise<T>) =>
        this.readModels.read(networksProjection, {}, work);
      loaders = {
        members: new DataLoader((ids) => read((view) => view.groupedBy(memberDocs, 'network_id', ids)), NO_CACHE),
        meetings: new DataLoader((ids) => read((view) => view.groupedBy(meetingDocs, 'network_id', ids)), NO_CACHE),
        people: new DataLoader((ids) => read((view) => view.byKeys(personNameDocs, ids)), NO_CACHE),
      };
      this.perRequest.set(request, loaders);
    }
    return loaders;
  }
}
