import { ImpactCalculator, type ImpactGrouping, type ImpactReport, type IsoDate, type StoredEvent } from '@kring/domain';
import type { EventStore } from '@kring/event-store';

export interface ImpactQuestion {
  from: IsoDate;
  to: IsoDate;
  by?: ImpactGrouping | null;
  /** Only events recorded at or before this instant count (the log as the system knew it then). */
  asOf?: Date;
}

const BATCH = 5000;

/**
 * The impact report from events in log order (the log itself, or an evaluation export of it): one
 * pass, for the CLI and the API alike. Events are recorded in log order, so the pass ends at the first
 * one recorded after `asOf`.
 */
export async function impactOfEvents(
  events: AsyncIterable<StoredEvent>,
  question: ImpactQuestion,
  onProgress?: (read: number) => void,
): Promise<ImpactReport> {
  const calculator = new ImpactCalculator();
  let read = 0;
  for await (const event of events) {
    if (question.asOf && event.recordedAt > question.asOf) break;
    calculator.add(event);
    if (++read % BATCH === 0) onProgress?.(read);
  }
  onProgress?.(read);
  return calculator.report(question.from, question.to, question.by ?? null);
}

export const impactOfLog = (store: EventStore, question: ImpactQuestion, onProgress?: (read: number) => void): Promise<ImpactReport> =>
  impactOfEvents(store.readAll({ batchSize: BATCH }), question, onProgress);
