import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { NetworkDoc } from '@kring/domain';
import { PubSub } from 'graphql-subscriptions';
import { ReadModels } from '../read-models/read-models';

const topicOf = (networkId: string) => `networkChanged.${networkId}`;

/** Pushes a network to its `networkChanged` subscribers after each committed projection batch that touched it. */
@Injectable()
export class NetworkChanges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pubSub = new PubSub();
  private readonly logger = new Logger('NetworkChanges');
  private unsubscribe?: () => void;

  constructor(private readonly readModels: ReadModels) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.readModels.engine.onProjected((projection, events) => {
      if (projection !== 'networks') return;
      const touched = new Set<string>();
      for (const event of events) if (typeof event.data.networkId === 'string') touched.add(event.data.networkId);
      if (touched.size > 0) void this.publish([...touched]);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  subscribe(networkId: string): AsyncIterableIterator<unknown> {
    return this.pubSub.asyncIterableIterator(topicOf(networkId));
  }

  private async publish(networkIds: string[]): Promise<void> {
    const docs = await this.readModels
      .read('networks', {}, (view) => view.byKeys<NetworkDoc>('networks', networkIds))
      .catch((error: Error) => {
        this.logger.warn(`networkChanged not pushed for ${networkIds.length} networks: ${error.message}`);
        return [];
      });
    for (const doc of docs) if (doc) await this.pubSub.publish(topicOf(doc.id), { networkChanged: doc });
  }
}
