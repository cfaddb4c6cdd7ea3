/**
 * When a fact happened in the world (its business date), as opposed to when Kring recorded it. Most
 * events carry one date field (`heldOn`, `joinedOn`, `on`, …), named by their schema; `kring replay
 * --on <date>` keeps the events whose business date is on or before that day.
 *
 * Some events carry no date of their own. Decided rule, so two evaluators agree:
 * - an undated event inside a stream happened no earlier than that stream's latest dated event before
 *   it (a facilitator assigned after a network started, an absence followed up after its meeting), so
 *   it takes that date;
 * - an undated event that opens its stream (a registration) has no date before it and always counts:
 *   what happens to that person later comes with its own dates;
 * - the access log records reads as they happened, so its events take their recording day (UTC).
 */
import { accessEventSchemas } from '../access/events';
import { networkEventSchemas } from '../network/events';
import { participantEventSchemas } from '../participant/events';
import { referralEventSchemas } from '../referral/events';
import type { IsoDate } from './decider';
import type { AnySchema } from './event-schema';
import type { StoredEvent } from './projection';

const SCHEMAS: Readonly<Record<string, AnySchema>> = {
  ...networkEventSchemas,
  ...participantEventSchemas,
  ...referralEventSchemas,
};
const RECORDED_WHEN_THEY_HAPPEN = new Set(Object.keys(accessEventSchemas));

/** The name of each event type's date field, for the types that have one. */
const DATE_FIELDS: ReadonlyMap<string, string> = new Map(
  Object.entries(SCHEMAS).flatMap(([type, schema]) => {
    const field = Object.entries(schema.data).find(([, kind]) => kind === 'date')?.[0];
    return field === undefined ? [] : [[type, field] as const];
  }),
);

/** Follows the log in order and answers each event's business date (undefined: counts on any date). */
export class BusinessCalendar {
  private readonly latestInStream = new Map<string, IsoDate>();

  dateOf(event: Pick<StoredEvent, 'streamId' | 'type' | 'data' | 'recordedAt'>): IsoDate | undefined {
    if (RECORDED_WHEN_THEY_HAPPEN.has(event.type)) return event.recordedAt.toISOString().slice(0, 10);
    const field = DATE_FIELDS.get(event.type);
    const own = field === undefined ? undefined : ((event.data as Record<string, unknown>)[field] as IsoDate | undefined);
    const latest = this.latestInStream.get(event.streamId);
    if (own === undefined) return latest;
    if (latest === undefined || own > latest) this.latestInStream.set(event.streamId, own);
    return own;
  }

  /** Whether the event had happened by the end of `day`. */
  happenedBy(event: Pick<StoredEvent, 'streamId' | 'type' | 'data' | 'recordedAt'>, day: IsoDate): boolean {
    const date = this.dateOf(event);
    return date === undefined || date <= day;
  }
}
