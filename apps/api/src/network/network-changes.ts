import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { NetworkDoc } from '@kring/domain';
import { PubSub } from 'graphql-subscriptions';
import { ReadModels } from '../read-models/read-models';

const topicOf = (networkId: string) => `networkChanged.${networkId}`;

/**
 * Pushes a network to its `networkChanged` subscribers after each committed projection batch that touched it.
 * Only networks someone subscribed to are read back: commands must not pay for pushes nobody receives.
 */
@Injectable()
export class NetworkChanges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pubSub = new PubSub();
  private readonly logger = new Logger('NetworkChanges');
  private unsubscribe?: () => void;
  /** Network id → open subscriptions in this process. */
  private readonly watched = new Map<string, number>();

  constructor(private readonly readModels: ReadModels) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.readModels.engine.onProjected((projection, events) => {
      if (projection !== 'networks') return;
      const touched = new Set<string>();
      for (const event of events) {
        const { networkId } = event.data;
        if (typeof networkId === 'string' && this.watched.has(networkId)) touched.add(networkId);
      }
      if (touched.size > 0) void this.publish([...touched]);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Open `networkChanged` subscriptions to this network in this process. */
  subscribers(networkId: string): number {
    return this.watched.get(networkId) ?? 0;
  }

  subscribe(networkId: string): AsyncIterableIterator<unknown> {
    const iterator = this.pubSub.asyncIterableIterator<unknown>(topicOf(networkId));
    this.watched.set(networkId, (this.watched.get(networkId) ?? 0) + 1);
    let open = true;
    const close = iterator.return.bind(iterator);
    // graphql-ws ends a subscription (client stop or disconnect) by calling return() on its iterator.
    iterator.return = () => {
      if (open) {
        open = false;
        const left = (this.watched.get(networkId) ?? 1) - 1;
        if (left > 0) this.watched.set(networkId, left);
        else this.watched.delete(networkId);
      }
      return close();
    };
    return iterator;
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
