/**
 * Lanes: the generations this process projects that have applied the log up to the same position
 * follow it together, with one read of the log and one transaction per batch for all of them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eventTypesOf, type ProjectionDefinition } from '@kring/domain';
import type { RecordedEvent, SqlDriver, SqlSession } from '@kring/event-store';
import { DocumentBuffer } from './document-buffer';
import { ProjectionFailedError, writingDocumentsUpTo } from './errors';
import { Generation, GenerationTable, schemaOf } from './generations';
import type { Lifecycle } from './lifecycle';
import { eventsFor, LogReader } from './log-reader';

/** A generation being projected in a lane, with its documents in memory. */
export interface GenerationRun {
  definition: ProjectionDefinition;
  generation: Generation;
  /** Set by its leader: leave the lane at the next round. */
  halt: { requested: boolean };
  buffer: DocumentBuffer<RecordedEvent>;
  /** Events committed since the run started. */
  applied: number;
  started: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Lane {
  /** Every run has applied the log up to here; committed checkpoints may trail it. */
  read: bigint;
  runs: Set<GenerationRun>;
  /** Taken in at the top of the lane's next round, if still at `read`. */
  joining: GenerationRun[];
  parked: boolean;
  closing: boolean;
  wake: () => void;
  /** A read waits for one of its runs' models (see `hurry`); cleared as each round starts. */
  awaited: boolean;
  /** Ends the gathering before the next round early, when a read starts waiting. */
  hurry: () => void;
}

export interface LaneSettings {
  /** Events per transaction while catching up (documents stay in memory between reads); live batches commit as they arrive. */
  commitEvery: number;
  /** How long a parked lane (a follower without news) waits before it looks at the log again (a safety net). */
  idleWaitMs: number;
  /** Shortest time between the starts of two live rounds: under load each round takes in every append since. */
  roundIntervalMs: number;
  /**
   * The largest share of its time a following lane spends in rounds while a read in this process
   * waits for it (read-your-writes): after a round of 15 ms (PGlite, whose one database also serves
   * the commands) and a share of 1/4, the next starts 60 ms after it, though never later than
   * `longestRoundIntervalMs` after it.
   */
  roundShare: number;
  /**
   * The same while nobody here waits for the lane: its rounds then only take time from the commands
   * (on PGlite, and for the API's own work on PostgreSQL too), so under load they gather more appends
   * each. A read that starts waiting cuts the gathering short to `roundShare`'s. A projector whose
   * readers are other processes cannot tell that they wait: it gives both shares, and both bounds
   * below, the same value.
   */
  unwaitedRoundShare: number;
  /** While a read waits for the lane: how long an append can wait for the round that shows it, however dear rounds are. */
  longestRoundIntervalMs: number;
  /**
   * The same bound while nobody here waits for the lane: a read that starts waiting cuts the gathering
   * short anyway. Under load each round rewrites the documents the commands keep changing (a network
   * and its members at every meeting): with rounds at most 50 ms apart recordMeeting ran at 0.54-0.59
   * of the CRUD row's rate on PGlite and 0.57-0.58 on PostgreSQL, at most 200 ms apart 0.64-0.74 and
   * 0.63-0.69 (bench:commands, alternated).
   */
  longestUnwaitedRoundIntervalMs: number;
}

export interface LaneEvents {
  /**
   * After each commit, per run whose documents it wrote (its generation's checkpoint already moved):
   * how many events it applied, and those of them applied while its generation was active.
   */
  committed(run: GenerationRun, applied: number, events: readonly RecordedEvent[]): void;
  /** A building generation has read up to the head. */
  caughtUp(run: GenerationRun): Promise<void>;
}

export class Lanes {
  private readonly lanes = new Set<Lane>();
  /** Every generation in a lane, or about to join one. */
  readonly running = new Set<Generation>();
  /** Lanes start reading once this resolves, so that a cold start shares one lane. */
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: SqlDriver,
    private readonly reader: LogReader,
    private readonly generations: GenerationTable,
    private readonly life: Lifecycle,
    private readonly settings: LaneSettings,
    private readonly on: LaneEvents,
  ) {}

  holdUntil(gate: Promise<void>): void {
    this.gate = gate;
  }

  /** The engine stops: parked lanes wake and gathering ones end their wait, so that each sees it at once. */
  wakeAll(): void {
    for (const lane of this.lanes) {
      lane.wake();
      lane.hurry();
    }
  }

  /** Reads in this process wait for these projections: their lanes gather appends for a shorter time before the next round. */
  hurry(names: readonly string[]): void {
    for (const lane of this.lanes)
      if ([...lane.runs].some((run) => names.includes(run.generation.name))) {
        lane.awaited = true;
        lane.hurry();
      }
  }

  /** Runs a generation in a lane until it is retired, halted or the engine stops; rejects if its lane fails. */
  run(definition: ProjectionDefinition, generation: Generation, halt: { requested: boolean }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enlist({
        definition,
        generation,
        halt,
        buffer: bufferFrom(generation, definition),
        applied: 0,
        started: Date.now(),
        resolve,
        reject,
      });
    });
  }

  /** Into a lane that has applied exactly up to the generation's checkpoint, or a lane of its own. */
  private enlist(run: GenerationRun): void {
    this.running.add(run.generation);
    const lane = [...this.lanes].find((l) => l.read === run.generation.checkpoint && !l.closing);
    if (lane) {
      lane.joining.push(run);
      lane.wake();
      return;
    }
    const fresh: Lane = {
      read: run.generation.checkpoint,
      runs: new Set(),
      joining: [run],
      parked: false,
      closing: false,
      wake: () => undefined,
      awaited: false,
      hurry: () => undefined,
    };
    this.lanes.add(fresh);
    this.life.track(this.follow(fresh));
  }

  /**
   * One read of the log, one apply per run and one transaction for all runs' documents and
   * checkpoints. While catching up, a commit runs while the next events are read and applied; never two at once.
   */
  private async follow(lane: Lane): Promise<void> {
    let committing: Promise<void> | undefined;
    const committed = async () => {
      if (committing) await committing.finally(() => (committing = undefined));
      for (const run of lane.runs) run.buffer.trim();
    };
    let uncommitted = 0;
    let knownHead: bigint | undefined;
    let prefetch: Promise<{ head: bigint; events: RecordedEvent[] }> | undefined;
    let roundStarted = 0;
    try {
      await this.gate;
      for (;;) {
        for (const run of lane.joining.splice(0)) {
          if (run.generation.checkpoint !== lane.read) {
            this.enlist(run);
            continue;
          }
          lane.runs.add(run);
          // The batch read ahead may lack the newcomer's event types.
          await prefetch?.catch(() => undefined);
          prefetch = undefined;
        }
        for (const run of lane.runs) {
          if (!this.life.stopped && !run.halt.requested && run.generation.state !== 'retired') continue;
          lane.runs.delete(run);
          this.running.delete(run.generation);
          run.resolve();
        }
        if (lane.runs.size === 0) break;

        // Several projections together handle nearly every type: reading the log unfiltered is cheaper than filtering it.
        const types = lane.runs.size === 1 ? eventTypesOf([...lane.runs][0].definition) : undefined;
        roundStarted = performance.now();
        lane.awaited = false;
        const next = prefetch ?? this.reader.readAfter(lane.read, types, knownHead);
        prefetch = knownHead = undefined;
        const { head, events } = await next;
        const caughtUp = events.length < this.reader.batchSize;
        const last = events.length > 0 ? events[events.length - 1].position : lane.read;
        // Positions are gap-free and handed out in commit order: a short batch read after `head` saw everything up to it.
        lane.read = caughtUp && head > last ? head : last;
        // Catching up: the next batch is read while this one is applied.
        if (!caughtUp) prefetch = this.reader.readAfter(lane.read, types);
        for (const run of lane.runs) {
          try {
            const mine = eventsFor(run.definition, events);
            if (mine.length > 0) await run.buffer.apply(this.sql, mine, run.generation.state === 'active');
          } catch (error) {
            failedAs(run, `applying the events after position ${events[0].position - 1n}`)(error);
          }
        }
        uncommitted += events.length;
        const behind = [...lane.runs].some((r) => r.generation.checkpoint < lane.read);
        if (behind && (caughtUp || uncommitted >= this.settings.commitEvery)) {
          await committed();
          committing = this.commit([...lane.runs], lane.read);
          committing.catch(() => undefined); // handled when awaited; this only keeps a failure from going unobserved meanwhile
          uncommitted = 0;
          if (caughtUp) await committed();
        }
        if (!caughtUp) continue;
        const roundMs = performance.now() - roundStarted;
        for (const run of lane.runs) if (run.generation.state === 'building') await this.on.caughtUp(run);
        if (this.mergeInto(lane)) break;
        knownHead = await this.parked(lane);
        if (knownHead !== undefined) await this.gather(lane, roundStarted, roundMs);
      }
    } catch (error) {
      lane.closing = true;
      // A commit still on its way moves the checkpoint that a run starting again begins from (and with it
      // whether its tables are known empty): wait for it to end first.
      await committing?.catch(() => undefined);
      const culprit = error instanceof ProjectionFailedError ? error.projection : undefined;
      for (const run of [...lane.runs, ...lane.joining.splice(0)]) {
        this.running.delete(run.generation);
        // Not its fault: it starts again from its committed checkpoint at once, in a lane without the culprit.
        if (culprit !== undefined && run.generation.name !== culprit)
          this.enlist({ ...run, buffer: bufferFrom(run.generation, run.definition) });
        // Its own failure, or one nobody can be blamed for (a lost connection, lost leadership): its leader starts clean.
        else run.reject(error as Error);
      }
      lane.runs.clear();
    } finally {
      lane.closing = true;
      await committing?.catch(() => undefined);
      await prefetch?.catch(() => undefined);
      this.lanes.delete(lane);
      // A run that joined while this lane was closing needs another lane.
      for (const run of lane.joining.splice(0)) this.enlist(run);
    }
  }

  /** A caught-up lane hands its runs to a parked lane at the same position, so they share the work from now on. */
  private mergeInto(lane: Lane): boolean {
    const other = [...this.lanes].find((l) => l !== lane && l.parked && !l.closing && l.read === lane.read);
    if (!other) return false;
    lane.closing = true;
    other.joining.push(...lane.runs);
    lane.runs.clear();
    other.wake();
    return true;
  }

  /**
   * Following a busy log, a round per append would cost more than the appends: let a few gather before
   * the next round, the longer the dearer a round is (its statements share the database with the
   * commands), and longer still while nobody waits for it.
   */
  private async gather(lane: Lane, roundStarted: number, roundMs: number): Promise<void> {
    const { roundIntervalMs, roundShare, unwaitedRoundShare, longestRoundIntervalMs, longestUnwaitedRoundIntervalMs } = this.settings;
    const gathering = (share: number, longest: number) =>
      roundStarted + Math.max(roundIntervalMs, Math.min(roundMs / share, longest)) - performance.now();
    const unwaited = gathering(unwaitedRoundShare, longestUnwaitedRoundIntervalMs);
    if (!lane.awaited && unwaited > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, unwaited);
        lane.hurry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      lane.hurry = () => undefined;
    }
    const left = gathering(roundShare, longestRoundIntervalMs);
    if (left > 0 && !this.life.stopped) await sleep(left);
  }

  /** Waits for an append after the lane's position (or a joiner, or the engine stopping); resolves to the head seen. */
  private async parked(lane: Lane): Promise<bigint | undefined> {
    lane.parked = true;
    try {
      let wake!: () => void;
      const woken = new Promise<undefined>((resolve) => (wake = () => resolve(undefined)));
      lane.wake = wake;
      if (this.life.stopped || lane.joining.length > 0) return undefined;
      return await Promise.race([this.reader.waitForHead(lane.read, this.settings.idleWaitMs), woken]);
    } finally {
      lane.parked = false;
      lane.wake = () => undefined;
    }
  }

  /**
   * Writes every run's changed documents and their checkpoints: one statement, and after it, in the
   * same transaction, the COPYs of large writes, for the generations it found live: a retired one's
   * tables may be gone.
   */
  private async commit(runs: GenerationRun[], checkpoint: bigint): Promise<void> {
    const taken = runs.map((run) => {
      const { rows, applied, events } = run.buffer.take();
      return { run, applied, events, writes: run.buffer.writesOf(rows) };
    });
    const entries = taken.map(({ run, writes }) => ({ generation: run.generation, statements: writes.statements }));
    const commitOn = async (session: SqlSession) => {
      const live = await this.generations.commit(session, entries, checkpoint);
      const writing = taken.filter(({ run }) => live.includes(run.generation));
      for (const { run, writes } of writing)
        for (const { table, columns, rows } of writes.copies)
          await session.copyRows(table, columns, rows).catch(failedAs(run, writingDocumentsUpTo(checkpoint)));
      return writing;
    };
    // A live round is one statement; large writes (a catch-up) add COPYs after it, in one transaction.
    const written = taken.some(({ writes }) => writes.copies.length > 0) ? await this.sql.transaction(commitOn) : await commitOn(this.sql);
    for (const { run, applied, events } of written) {
      run.generation.checkpoint = checkpoint;
      run.applied += applied;
      this.on.committed(run, applied, events);
    }
  }
}

/** A buffer for a generation as committed: documents and checkpoint commit together, so at checkpoint 0 its tables are empty. */
function bufferFrom(generation: Generation, definition: ProjectionDefinition): DocumentBuffer<RecordedEvent> {
  const buffer = new DocumentBuffer<RecordedEvent>(
    definition,
    schemaOf(generation.name, generation.generation),
    generation.checkpoint === 0n,
  );
  // The switch indexed an active generation's tables.
  if (generation.state === 'active') buffer.indexed();
  return buffer;
}

function failedAs(run: GenerationRun, doing: string): (error: unknown) => never {
  return (error) => {
    throw new ProjectionFailedError(run.generation.name, doing, error);
  };
}
