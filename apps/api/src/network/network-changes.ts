import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type NetworkDoc, networkDocs, networksProjection } from '@kring/domain';
import { PubSub } from 'graphql-subscriptions';
import { ReadModels } from '../read-models/read-models';

const topicOf = (networkId: string) => `networkChanged.${networkId}`;

/** One push: the network as projected up to `position`. */
interface Push {
  networkChanged: NetworkDoc;
  position: bigint;
}

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
      if (projection !== networksProjection.name) return;
      const touched = new Set<string>();
      for (const event of events) {
        const { networkId } = event.data;
        if (typeof networkId === 'string' && this.watched.has(networkId)) touched.add(networkId);
      }
      if (touched.size > 0) void this.publish([...touched], events[events.length - 1].position);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Open `networkChanged` subscriptions to this network in this process. */
  subscribers(networkId: string): number {
    return this.watched.get(networkId) ?? 0;
  }

  /**
   * @param stillAllowed asked before every push, with the log position the pushed state reflects: once it
   *   answers false (a facilitator replaced by then), the subscription ends.
   */
  subscribe(networkId: string, stillAllowed: (position: bigint) => Promise<boolean>): AsyncIterableIterator<unknown> {
    const pushes = this.pubSub.asyncIterableIterator<Push>(topicOf(networkId));
    this.watched.set(networkId, (this.watched.get(networkId) ?? 0) + 1);
    let open = true;
    // graphql-ws ends a subscription (client stop or disconnect) by calling return() on its iterator.
    const close = async (): Promise<IteratorResult<unknown>> => {
      if (open) {
        open = false;
        const left = (this.watched.get(networkId) ?? 1) - 1;
        if (left > 0) this.watched.set(networkId, left);
        else this.watched.delete(networkId);
      }
      return pushes.return();
    };
    const iterator: AsyncIterableIterator<unknown> = {
      next: async () => {
        const push = await pushes.next();
        if (push.done || (await stillAllowed(push.value.position))) return push;
        return close();
      },
      return: close,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async publish(networkIds: string[], position: bigint): Promise<void> {
    // At least as of this batch: after a switch to a new generation, the one read may not have reached it yet.
    const docs = await this.readModels
      .read(networksProjection, { after: position }, (view) => view.byKeys(networkDocs, networkIds))
      .catch((error: Error) => {
        this.logger.warn(`networkChanged not pushed for ${networkIds.length} networks: ${error.message}`);
        return [];
      });
    for (const doc of docs) if (doc) await this.pubSub.publish(topicOf(doc.id), { networkChanged: doc, position } satisfies Push);
  }
}
