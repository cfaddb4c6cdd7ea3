import type { RecordedEvent } from '../event-store';
import { backoffMs } from './esdb-mapping';

/** One subscription attempt: Kring events (undefined for what it skipped), and a way to end it early. */
export interface SubscriptionAttempt extends AsyncIterable<RecordedEvent | undefined> {
  unsubscribe(): Promise<void>;
}

export interface FollowControl {
  /** True once the consumer closed the subscription or the store closed. */
  stopped(): boolean;
  /** Errors worth resubscribing after (a dropped connection, a new leader); anything else ends the follow. */
  transient(error: unknown): boolean;
  /** Each new attempt, so that closing can end it; and news that the follow is behind again. */
  attempting(attempt: SubscriptionAttempt): void;
  sleep(ms: number): Promise<void>;
}

/**
 * Follows the log through subscriptions that may drop: each attempt starts after the last event handed
 * over and skips anything at or before it, so a resubscription after a drop, a new leader or a node
 * shutting down neither loses nor repeats an event. Waits between attempts back off (backoffMs) and
 * start again from 100 ms once an attempt delivers.
 */
export async function* followResuming(
  open: (after: bigint) => SubscriptionAttempt,
  after: bigint,
  control: FollowControl,
): AsyncGenerator<RecordedEvent> {
  for (let attempt = 0; !control.stopped();) {
    const subscription = open(after);
    control.attempting(subscription);
    try {
      for await (const event of subscription) {
        attempt = 0;
        if (!event || event.position <= after) continue;
        after = event.position;
        yield event;
        if (control.stopped()) return;
      }
    } catch (error) {
      if (control.stopped()) return;
      if (!control.transient(error)) throw error;
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
    if (control.stopped()) return;
    await control.sleep(backoffMs(attempt++));
  }
}
