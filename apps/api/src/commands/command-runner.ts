import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@kring/event-store';
import { DomainError } from '@kring/domain';
import { PersonalDataCipher } from '@kring/privacy';
import { LRUCache } from 'lru-cache';
import { EVENT_STORE } from '../event-store/event-store.module';
import { CommandContext, IdSource, metadataOf } from './command-context';
import { KeyedLock } from './keyed-lock';
import { AnyEvent, decodeEvents, encodeEvents, StreamKind, streamIdOf } from './streams';

export interface CommandOutcome {
  id: string;
  position: bigint;
}

/** A stream folded up to `revision`, with the commands already handled on it (for idempotent retries). */
interface Folded<State> {
  state: State;
  /** Revision of the last folded event; undefined while the stream does not exist. */
  revision: bigint | undefined;
  /**
   * `<command type>:<commandId>` → position of that command's last event. Grown in place by the stream's
   * lock holder (copying it per command would cost the stream's whole history each time).
   */
  handled: Map<string, bigint>;
}

/** Omit over each member of a union (a request is a command without what the handler reads elsewhere). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What deciding a command on a fold came to: its events, or the position where it was handled before. */
type Decision<Event, State> = { earlier: bigint } | { folded: Folded<State>; events: Event[] };

/** Another process kept changing the stream while this command was retried: nothing was written. */
export class StreamContentionError extends Error {
  constructor(streamId: string, attempts: number) {
    super(`${streamId} changed concurrently ${attempts} times in a row; nothing was written, try again`);
    this.name = 'StreamContentionError';
  }
}

const MAX_ATTEMPTS = 8;
const CACHED_STREAMS = 10_000;

const handledKey = (commandType: unknown, commandId: unknown): string | undefined =>
  typeof commandType === 'string' && typeof commandId === 'string' ? `${commandType}:${commandId}` : undefined;

/**
 * The command side's one loop: load the stream, skip a command it already handled, decide, append with the
 * expected revision, and on a concurrent change load again and decide again (a bounded number of times).
 * Folded streams are cached; a cached state that turns out stale costs one WrongExpectedRevisionError and a
 * reload, never a wrong decision. A command already handled by another process is found on that reload,
 * because its events moved the stream past the cached revision.
 */
@Injectable()
export class CommandRunner {
  private readonly cache = new LRUCache<string, Folded<unknown>>({ max: CACHED_STREAMS });
  private readonly locks = new KeyedLock();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdSource,
    private readonly cipher: PersonalDataCipher,
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
    const key = `${commandType}:${context.commandId}`;
    return this.locks.run(streamId, async () => {
      for (let attempt = 1; ; attempt++) {
        // A cached fold is used without reading the stream: if another process appended meanwhile, the
        // expected revision refuses the append, or the rules refuse the command, and either way the
        // stream is read again before anything is answered.
        const cached = this.cache.get(streamId) as Folded<State> | undefined;
        const decision =
          (cached && (await this.decide(kind, cached, key, complete, false))) ??
          (await this.decide(kind, await this.load(kind, streamId), key, complete, true));
        if ('earlier' in decision) return { id: resultId, position: decision.earlier };
        const { folded, events } = decision;
        // Erasure first: if the append then fails, the person is still erased, and a retry records it.
        for (const subjectId of events.flatMap((event) => kind.erases?.(event) ?? [])) await this.cipher.keys.destroy(subjectId);
        const metadata = metadataOf(context, { commandType, commandId: context.commandId, causationId: context.commandId });
        try {
          const stored = await encodeEvents(
            this.cipher,
            events,
            (type) => kind.versions[type as Event['type']],
            () => this.ids.eventId(),
            metadata,
          );
          const result = await this.store.appendToStream(streamId, stored, { expectedRevision: folded.revision ?? 'no_stream' });
          this.remember(streamId, {
            state: events.reduce(kind.decider.evolve, folded.state),
            revision: result.nextExpectedRevision,
            handled: folded.handled.set(key, result.position),
          });
          return { id: resultId, position: result.position };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          this.cache.delete(streamId);
          if (attempt >= MAX_ATTEMPTS) throw new StreamContentionError(streamId, attempt);
          // Jitter spreads the retries of competing processes apart.
          await sleep(attempt * 5 + Math.random() * 10);
        }
      }
    });
  }

  /**
   * The command's events on this fold, or the position of its earlier handling. On a fold just read from the
   * store a refusal is final; on a cached fold it answers undefined, so the caller reads the stream and asks again.
   */
  private decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    key: string,
    complete: () => Command | Promise<Command>,
    fresh: true,
  ): Promise<Decision<Event, State>>;
  private decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    key: string,
    complete: () => Command | Promise<Command>,
    fresh: false,
  ): Promise<Decision<Event, State> | undefined>;
  private async decide<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    folded: Folded<State>,
    key: string,
    complete: () => Command | Promise<Command>,
    fresh: boolean,
  ): Promise<Decision<Event, State> | undefined> {
    const earlier = folded.handled.get(key);
    if (earlier !== undefined) return { earlier };
    try {
      return { folded, events: kind.decider.decide(await complete(), folded.state) };
    } catch (error) {
      if (fresh || !(error instanceof DomainError)) throw error;
      return undefined;
    }
  }

  private async load<Command, Event extends AnyEvent, State>(
    kind: StreamKind<Command, Event, State>,
    streamId: string,
  ): Promise<Folded<State>> {
    const cached = this.cache.get(streamId) as Folded<State> | undefined;
    let state = cached?.state ?? kind.decider.initialState;
    let revision = cached?.revision;
    let handled = cached?.handled ?? new Map<string, bigint>();
    let copied = false;
    // A stream is one aggregate's history: read whole, so its personal data is opened in one batch.
    const recorded: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId, { fromRevision: revision === undefined ? 0n : revision + 1n }))
      recorded.push(event);
    const events = await decodeEvents<Event>(this.cipher, recorded);
    for (const [i, event] of events.entries()) {
      state = kind.decider.evolve(state, event);
      revision = recorded[i].streamRevision;
      const key = handledKey(recorded[i].metadata.commandType, recorded[i].metadata.commandId);
      if (key) {
        if (!copied) handled = new Map(handled);
        copied = true;
        handled.set(key, recorded[i].position);
      }
    }
    const folded = { state, revision, handled };
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
