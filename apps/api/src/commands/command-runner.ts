import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore, IdempotencyKeyReusedError, RecordedEvent, WrongExpectedRevisionError } from '@kring/event-store';
import { DomainError } from '@kring/domain';
import { PersonalDataCipher } from '@kring/privacy';
import { LRUCache } from 'lru-cache';
import { EVENT_STORE } from '../event-store/event-store.module';
import { CommandOutcomeLabel, Metrics } from '../metrics/metrics';
import { CommandContext, EventProvenance, IdSource } from './command-context';
import { KeyedLock } from './keyed-lock';
import { AnyEvent, decodeEvents, encodeEvents, StreamKind, streamIdOf } from './streams';

export interface CommandOutcome {
  id: string;
  position: bigint;
}

/** A stream folded up to `revision`. */
interface Folded<State> {
  state: State;
  /** Revision of the last folded event; undefined while the stream does not exist. */
  revision: bigint | undefined;
}

/** Omit over each member of a union (a request is a command without what the handler reads elsewhere). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Another process kept changing the stream while this command was retried: nothing was written. */
export class StreamContentionError extends Error {
  constructor(streamId: string, attempts: number) {
    super(`${streamId} changed concurrently ${attempts} times in a row; nothing was written, try again`);
    this.name = 'StreamContentionError';
  }
}

const MAX_ATTEMPTS = 8;
const CACHED_STREAMS = 10_000;

function outcomeLabelOf(error: unknown): CommandOutcomeLabel {
  if (error instanceof DomainError) return 'refused';
  return error instanceof StreamContentionError ? 'contention' : 'failed';
}

/** The same commandId for anything but the same request. */
const keyReused = () =>
  new DomainError(
    'CONFLICT',
    'This commandId was already used for another request (another mutation, input or caller); nothing was written. Send a new commandId for a new request.',
  );

/**
 * The command side's one loop: answer a repeated request from its idempotency key, load the stream,
 * decide, append with the expected revision (and the key, in the same transaction), and on a concurrent
 * change load again and decide again (a bounded number of times). Folded streams are cached; a cached
 * state that turns out stale costs one WrongExpectedRevisionError and a reload, never a wrong decision.
 */
@Injectable()
export class CommandRunner {
  private readonly cache = new LRUCache<string, Folded<unknown>>({ max: CACHED_STREAMS });
  private readonly locks = new KeyedLock();
  /** Since start: appends refused because another writer changed the stream first, and commands refused on a cached fold (then decided on the stream read again). */
  readonly retried = { conflicts: 0, onStaleCache: 0 };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdSource,
    private readonly provenance: EventProvenance,
    private readonly cipher: PersonalDataCipher,
    private readonly metrics: Metrics,
  ) {}

  /** The current state of another stream, for rules that span two (is this participant forgotten?). */
  async state<Command, Event extends AnyEvent, State>(kind: StreamKind<Command, Event, State>, id: string): Promise<State> {
    return (await this.load(kind, streamIdOf(kind, id))).state;
  }

  /**
   * @param complete builds the full command, reading the other streams a rule needs; it runs again on every
   *   attempt, so a retry decides on fresh state everywhere.
   */
  execute<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    id: string,
    commandType: string,
    context: CommandContext,
    resultId: string,
    complete: () => Command | Promise<Command>,
  ): Promise<CommandOutcome> {
    const streamId = streamIdOf(kind, id);
    const key = context.idempotency;
    /** The answer to a request seen before (as it was then), or a refusal of its key used for another request. */
    const answeredBefore = async (): Promise<CommandOutcome | undefined> => {
      const earlier = key && (await this.store.findIdempotencyKey(key.key));
      if (!earlier) return undefined;
      if (earlier.fingerprint !== key.fingerprint || earlier.streamId !== streamId) throw keyReused();
      return { id: resultId, position: earlier.position };
    };
    const answered = this.metrics.command(commandType);
    const handled = this.locks.run(streamId, async () => {
      // Before deciding: the first handling's effect may make the rules refuse the same request now.
      const earlier = await answeredBefore();
      if (earlier) return earlier;
      for (let attempt = 1; ; attempt++) {
        // A cached fold is used without reading the stream: if another process appended meanwhile, the
        // expected revision refuses the append, or the rules refuse the command, and either way the
        // stream is read again before anything is answered.
        const cached = this.cache.get(streamId) as Folded<State> | undefined;
        let decision: { folded: Folded<State>; events: Event[] };
        try {
          decision =
            (cached && (await this.decide(kind, cached, complete, false))) ??
            (await this.decide(kind, await this.load(kind, streamId), complete, true));
        } catch (error) {
          // Refused because another process just handled this very request? Then that is the answer.
          const answer = key && error instanceof DomainError ? await answeredBefore() : undefined;
          if (answer) return answer;
          throw error;
        }
        const { folded, events } = decision;
        // Erasure first: if the append then fails, the person is still erased, and a retry records it.
        for (const subjectId of events.flatMap((event) => kind.erases?.(event) ?? [])) await this.cipher.keys.destroy(subjectId);
        const metadata = this.provenance.metadataOf(context, { commandType, commandId: context.commandId, causationId: context.commandId });
        try {
          const stored = await encodeEvents(this.cipher, events, kind.schemas, () => this.ids.eventId(), metadata);
          const appended = this.metrics.append();
          const result = await this.store
            .appendToStream(streamId, stored, { expectedRevision: folded.revision ?? 'no_stream', ...(key ? { idempotencyKey: key } : {}) })
            .catch((error: unknown) => {
              appended('refused');
              throw error;
            });
          appended('stored');
          // A duplicate: another process handled this very request meanwhile, and its events are not these.
          if (result.duplicate) this.cache.delete(streamId);
          else this.remember(streamId, { state: events.reduce(kind.decider.evolve, folded.state), revision: result.nextExpectedRevision });
          return { id: resultId, position: result.position };
        } catch (error) {
          if (error instanceof IdempotencyKeyReusedError) throw keyReused();
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          this.cache.delete(streamId);
          this.retried.conflicts++;
          if (attempt >= MAX_ATTEMPTS) throw new StreamContentionError(streamId, attempt);
          // Jitter spreads the retries of competing processes apart.
          await sleep(attempt * 5 + Math.random() * 10);
        }
      }
    });
    handled.then(
      () => answered('accepted'),
      (error: unknown) => answered(outcomeLabelOf(error)),
    );
    return handled;
  }

  /** The command's events on this fold. On a fold just read from the store a refusal is final; on a cached fold it answers undefined, so the caller reads the stream and asks again. */
  private decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    complete: () => Command | Promise<Command>,
    fresh: true,
  ): Promise<{ folded: Folded<State>; events: Event[] }>;
  private decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    complete: () => Command | Promise<Command>,
    fresh: false,
  ): Promise<{ folded: Folded<State>; events: Event[] } | undefined>;
  private async decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    complete: () => Command | Promise<Command>,
    fresh: boolean,
  ): Promise<{ folded: Folded<State>; events: Event[] } | undefined> {
    try {
      return { folded, events: kind.decider.decide(await complete(), folded.state) };
    } catch (error) {
      if (fresh || !(error instanceof DomainError)) throw error;
      this.retried.onStaleCache++;
      return undefined;
    }
  }

  private async load<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    streamId: string,
  ): Promise<Folded<State>> {
    const cached = this.cache.get(streamId) as Folded<State> | undefined;
    // A stream is one aggregate's history: read whole, so its personal data is opened in one batch.
    const recorded: RecordedEvent[] = [];
    const fromRevision = cached?.revision === undefined ? 0n : cached.revision + 1n;
    for await (const event of this.store.readStream(streamId, { fromRevision })) recorded.push(event);
    const events = await decodeEvents(this.cipher, kind.schemas, recorded);
    const folded = {
      state: events.reduce(kind.decider.evolve, cached?.state ?? kind.decider.initialState),
      revision: recorded.at(-1)?.streamRevision ?? cached?.revision,
    };
    this.remember(streamId, folded);
    return folded;
  }

  /** Keeps the newest fold: a slow reader finishing late must not replace a newer state. */
  private remember(streamId: string, folded: Folded<unknown>): void {
    const current = this.cache.get(streamId);
    if (current?.revision !== undefined && (folded.revision === undefined || folded.revision < current.revision)) return;
    this.cache.set(streamId, folded);
  }
}
