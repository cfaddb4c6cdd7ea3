import {
  accessEntryDocs,
  accessEntryOf,
  asProjected,
  AccessLogEvent,
  accessProjection,
  type CollectionOf,
  eventTypesOf,
  isAccessEntry,
} from '@kring/domain';
import type { ChainLink, EventStore, SqlDriver } from '@kring/event-store';
import { activeGeneration, DocumentView } from '@kring/projections';
import { canonicalJson } from '../commands/canonical-json';

export interface AccessLogVerification {
  intact: boolean;
  /** Events of the log whose hash was checked. */
  checkedEvents: number;
  /** Access-log entries compared with the events they come from. */
  checkedEntries: number;
  /** The head of the hash chain: keep it elsewhere (anchor) to prove later that nothing before it changed. */
  head: ChainLink;
  /** Where the first break is, and what is wrong there. */
  broken?: { position: bigint; problem: string };
}

export type VerifyProgress = (stage: 'log' | 'entries', doneUpTo: bigint, of: bigint) => void;

const BATCH = 2000;

/**
 * Proves the access log unchanged: first the hash chain of the whole log (every access entry is an
 * event in it, or derived from one), then every entry auditors read (the access read model) against
 * the entry its event makes, so an entry changed, removed or added in the read model's tables is found
 * too. Used by the AUDITOR query `verifyAccessLog` and by `npm run kring -- verify-access-log`.
 */
export class AccessLogVerifier {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDriver,
  ) {}

  async verify(options: { anchor?: ChainLink; onProgress?: VerifyProgress } = {}): Promise<AccessLogVerification> {
    const chain = await this.store.verifyIntegrity({
      anchor: options.anchor,
      onProgress: (upTo, of) => options.onProgress?.('log', upTo, of),
    });
    const result = { checkedEvents: chain.checked, checkedEntries: 0, head: chain.head };
    if (chain.broken) return { intact: false, ...result, broken: chain.broken };
    const entries = await this.verifyEntries(options.onProgress);
    return entries.broken ? { intact: false, ...result, ...entries } : { intact: true, ...result, checkedEntries: entries.checkedEntries };
  }

  private async verifyEntries(onProgress?: VerifyProgress): Promise<{ checkedEntries: number; broken?: AccessLogVerification['broken'] }> {
    const active = await activeGeneration(this.sql, accessProjection.name);
    if (!active) return { checkedEntries: 0 };
    const view = new DocumentView<CollectionOf<typeof accessProjection>>(this.sql, active.schema);
    let checkedEntries = 0;
    let after = 0;
    let batch: AccessLogEvent[] = [];
    const compare = async (upTo: number) => {
      const stored = new Map((await view.between(accessEntryDocs, 'position', after, upTo)).map((doc) => [doc.id, doc]));
      for (const event of batch) {
        const doc = stored.get(event.id);
        const problem = !doc
          ? `the access-log entry of the event at position ${event.position} is missing`
          : canonicalJson(doc) !== canonicalJson(accessEntryOf(event))
            ? `the access-log entry of the event at position ${event.position} differs from the event`
            : undefined;
        if (problem) return { position: event.position, problem };
        stored.delete(event.id);
      }
      const [extra] = stored.values() as Iterable<{ position?: number }>;
      if (extra)
        return {
          position: BigInt(extra.position ?? upTo),
          problem: `the access log holds an entry at position ${extra.position} that no event made`,
        };
      checkedEntries += batch.length;
      after = upTo;
      batch = [];
      onProgress?.('entries', BigInt(upTo), active.checkpoint);
      return undefined;
    };
    for await (const stored of this.store.readAll({ eventTypes: eventTypesOf(accessProjection), batchSize: BATCH })) {
      if (stored.position > active.checkpoint) break;
      const event = asProjected(accessProjection, stored);
      if (!isAccessEntry(event)) continue;
      batch.push(event);
      if (batch.length === BATCH) {
        const broken = await compare(Number(event.position));
        if (broken) return { checkedEntries, broken };
      }
    }
    const broken = await compare(Number(active.checkpoint));
    if (broken) return { checkedEntries, broken };
    // Entries outside every stretch of the log (no position, or one before the first event) were added by hand.
    const stored = await view.countUpTo(accessEntryDocs, 'position', Number(active.checkpoint));
    if (stored !== checkedEntries)
      return {
        checkedEntries,
        broken: { position: 0n, problem: `the access log holds ${stored - checkedEntries} entries that no event made` },
      };
    return { checkedEntries };
  }
}
