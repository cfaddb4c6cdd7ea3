import { BusinessCalendar, type IsoDate, ProjectionsInMemory, type StoredEvent } from '@kring/domain';
import { PROJECTIONS } from '@kring/domain';

/** Every read model's documents, by projection, then collection, in key order (removed documents left out). */
export type ReadModelDocuments = Record<string, Record<string, Array<{ key: string; doc: unknown }>>>;

export interface ReplayQuestion {
  /** Only events recorded by then (the log as the system knew it). */
  asOf?: Date;
  /** Only events that had happened by the end of this business date (see BusinessCalendar for undated ones). */
  on?: IsoDate;
}

export interface Replay {
  /** The last position read. */
  position: string;
  readModels: ReadModelDocuments;
}

/**
 * Every read model as the system knew it at `asOf` (or now), and as things stood `on` a business date
 * (or with everything): the API's own projection code applied in memory to the log in order, nothing
 * written. Events are recorded in log order, so the replay ends at the first one recorded after `asOf`.
 */
export async function replayInMemory(
  events: AsyncIterable<StoredEvent>,
  { asOf, on }: ReplayQuestion = {},
  onProgress?: (read: number) => void,
): Promise<Replay> {
  const projections = new ProjectionsInMemory(PROJECTIONS);
  const calendar = new BusinessCalendar();
  let position = 0n;
  let read = 0;
  for await (const event of events) {
    if (asOf && event.recordedAt > asOf) break;
    position = event.position;
    if (++read % 5000 === 0) onProgress?.(read);
    if (on !== undefined && !calendar.happenedBy(event, on)) continue;
    projections.apply(event);
  }
  const readModels: ReadModelDocuments = {};
  for (const [projection, documents] of projections.tables) {
    readModels[projection.name] = {};
    for (const collection of projection.collections)
      readModels[projection.name][collection.name] = [...(documents[collection.name] ?? new Map()).entries()]
        .filter(([, doc]) => doc !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, doc]) => ({ key, doc }));
  }
  return { position: position.toString(), readModels };
}
