import type { RecordedEvent } from '../event-store';
import { followResuming, SubscriptionAttempt } from './resuming-follow';

const at = (position: number): RecordedEvent => ({
  id: `e-${position}`,
  streamId: 's',
  type: 'A',
  version: 1,
  data: { position },
  metadata: {},
  recordedAt: new Date(0),
  streamRevision: BigInt(position),
  position: BigInt(position) * 1000n,
});

/** A scripted subscription attempt: these events (undefined: something it skipped), then `end` (an error, or undefined for a clean end). */
function attempt(events: Array<RecordedEvent | undefined>, end?: Error): SubscriptionAttempt & { unsubscribed: boolean } {
  return {
    unsubscribed: false,
    async *[Symbol.asyncIterator]() {
      for (const event of events) yield event;
      if (end) throw end;
    },
    async unsubscribe() {
      this.unsubscribed = true;
    },
  };
}

const transientError = () => Object.assign(new Error('14 UNAVAILABLE: the connection dropped'), { type: 'unavailable' });

describe('following the log through subscriptions that drop', () => {
  it('resumes after the last event handed over: nothing lost, nothing repeated, waits backing off between attempts', async () => {
    const attempts = [
      attempt([at(1), undefined, at(2)], transientError()),
      // A drop before anything arrived: the next wait is longer.
      attempt([], transientError()),
      // The server sends the last event again, then more; then a node ends the subscription cleanly.
      attempt([at(2), at(3)]),
      attempt([at(4), at(5)]),
    ];
    const opened: bigint[] = [];
    const waits: number[] = [];
    let stopped = false;
    const seen: number[] = [];
    for await (const event of followResuming(
      (after) => {
        opened.push(after);
        return attempts[opened.length - 1];
      },
      0n,
      {
        stopped: () => stopped,
        transient: (error) => (error as { type?: string }).type === 'unavailable',
        attempting: () => undefined,
        sleep: async (ms) => void waits.push(ms),
      },
    )) {
      seen.push(event.data.position as number);
      if (seen.length === 5) stopped = true;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(opened).toEqual([0n, 2000n, 2000n, 3000n]);
    expect(waits).toEqual([100, 200, 100]);
    expect(attempts.every((a) => a.unsubscribed)).toBe(true);
  });

  it('ends with an error that is not worth resubscribing after', async () => {
    const follow = followResuming(() => attempt([at(1)], new Error('access denied')), 0n, {
      stopped: () => false,
      transient: () => false,
      attempting: () => undefined,
      sleep: async () => undefined,
    });
    expect((await follow.next()).value).toEqual(at(1));
    await expect(follow.next()).rejects.toThrow('access denied');
  });

  it('starts after the position it is given', async () => {
    let stopped = false;
    const follow = followResuming(() => attempt([at(1), at(2), at(3)]), 2000n, {
      stopped: () => stopped,
      transient: () => true,
      attempting: () => undefined,
      sleep: async () => undefined,
    });
    expect((await follow.next()).value).toEqual(at(3));
    stopped = true;
    expect((await follow.next()).done).toBe(true);
  });
});
