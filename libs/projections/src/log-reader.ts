import { checksOf, ProjectionDefinition } from '@kring/domain';
import type { EventStore, RecordedEvent } from '@kring/event-store';

/** Reads the log in batches for the projections. */
export class LogReader {
  constructor(
    private readonly store: EventStore,
    readonly batchSize: number,
  ) {}

  /**
   * The next batch after `after` (of these event types, if given) and how far it saw. A short filtered
   * batch saw up to the head, read first (the events after its last may be of other types); a short
   * unfiltered one up to its last event, no head needed: positions are gap-free, in commit order.
   */
  async readAfter(
    after: bigint,
    eventTypes: readonly string[] | undefined,
    knownHead?: bigint,
  ): Promise<{ head: bigint; events: RecordedEvent[] }> {
    if (eventTypes === undefined) {
      const events = await this.read(after, undefined);
      return { head: events.length > 0 ? events[events.length - 1].position : after, events };
    }
    const head = knownHead ?? (await this.store.headPosition());
    return { head, events: await this.read(after, eventTypes) };
  }

  /** The next batch after `after`, of these event types (all if undefined), up to `until` if given. */
  async read(after: bigint, eventTypes: readonly string[] | undefined, until?: bigint): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readAll({ after, eventTypes, batchSize: this.batchSize, maxCount: this.batchSize })) {
      if (until !== undefined && event.position > until) break;
      events.push(event);
    }
    return events;
  }

  /** Resolves to the head once it passes `position`, or to the head as it is after `ms`. */
  waitForHead(position: bigint, ms: number): Promise<bigint> {
    return this.store.waitForHead(position, ms);
  }
}

/** The events of a batch that a projection handles, each checked against its schema: a malformed one throws MalformedEventError. */
export function eventsFor(definition: ProjectionDefinition, events: readonly RecordedEvent[]): RecordedEvent[] {
  const checks = checksOf(definition);
  const mine: RecordedEvent[] = [];
  for (const event of events) {
    const check = checks.get(event.type);
    if (check === undefined) continue;
    check(event);
    mine.push(event);
  }
  return mine;
}
