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
 * The impact fold over events in log order (the log itself, or an evaluation export of it): one pass,
 * for the CLI and the API alike. Events are recorded in log order, so the pass ends at the first one
 * recorded after `asOf`.
 */
export async function impactCalculatorOf(
  events: AsyncIterable<StoredEvent>,
  asOf: Date | undefined,
  onProgress?: (read: number) => void,
): Promise<ImpactCalculator> {
  const calculator = new ImpactCalculator();
  let read = 0;
  for await (const event of events) {
    if (asOf && event.recordedAt > asOf) break;
    calculator.add(event);
    if (++read % BATCH === 0) onProgress?.(read);
  }
  onProgress?.(read);
  return calculator;
}

/** The impact report over a period from events in log order. */
export async function impactOfEvents(
  events: AsyncIterable<StoredEvent>,
  question: ImpactQuestion,
  onProgress?: (read: number) => void,
): Promise<ImpactReport> {
  const calculator = await impactCalculatorOf(events, question.asOf, onProgress);
  return calculator.report(question.from, question.to, question.by ?? null);
}

export const impactOfLog = (store: EventStore, question: ImpactQuestion, onProgress?: (read: number) => void): Promise<ImpactReport> =>
  impactOfEvents(store.readAll({ batchSize: BATCH }), question, onProgress);
