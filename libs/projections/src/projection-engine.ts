import { checksOf, type ProjectionDefinition } from '@kring/domain';
import { EventStore, migrate, RecordedEvent, SqlDriver } from '@kring/event-store';
import { assertIdentifier } from './document-tables';
import { ProjectionFailedError } from './errors';
import { Generation, GenerationTable } from './generations';
import { GenerationRun, Lanes, LaneSettings } from './lanes';
import { Leadership } from './leadership';
import { Lifecycle } from './lifecycle';
import { LogReader } from './log-reader';
import { PROJECTION_MIGRATIONS, STATUS_CHANNEL } from './projection-schema';
import { ActiveCheckpoints } from './read-your-writes';
import { RebuildRequests, RebuildResult } from './rebuilds';
import { replayInto } from './replay';

/** How long a retired generation's tables stay: queries that resolved its schema a moment ago may still read them. */
const RETIRED_GRACE_MS = 30_000;
/** Longest a cold start waits for every projection's first leadership attempt before its lanes read anyway. */
const GATE_MS = 5_000;
/** The share of its time a following lane spends in rounds while a read waits for it (LaneSettings.roundShare). */
export const ROUND_SHARE = 0.25;
/** The longest a following lane lets appends gather while a read waits for it (LaneSettings.longestRoundIntervalMs). */
export const LONGEST_ROUND_INTERVAL_MS = 50;

export interface ProjectionEngineOptions extends Partial<LaneSettings> {
  /**
   * False: this process projects nothing and only follows the checkpoints other processes (the
   * projector) commit, answering queries from their tables (an API replica with KRING_PROJECTIONS=off).
   */
  lead?: boolean;
  /** Events per read of the log. */
  batchSize?: number;
  /** How often a process without the lock tries to take over a projection. */
  lockRetryMs?: number;
  log?: (message: string) => void;
  /** After each committed batch of any generation: progress for long rebuilds. */
  onBatch?: (progress: { name: string; generation: number; checkpoint: bigint; events: number }) => void;
}

type ProjectedListener = (projection: string, events: readonly RecordedEvent[]) => void;

/**
 * Runs projections over the log: catch up from the checkpoint in batches, then follow live. Each
 * batch and its checkpoint commit in one transaction, so a crash never applies an event twice or
 * skips one. Each projection lives in generations (generations.ts): a rebuild or a new version builds
 * a new generation beside the active one and switches when caught up, so queries never see a
 * half-built model. One process leads each projection (leadership.ts); the others follow the
 * checkpoints through NOTIFY (read-your-writes.ts) and answer queries from the same tables. The
 * generations a process runs that stand at the same position share a lane (lanes.ts).
 */
export class ProjectionEngine {
  private readonly definitions = new Map<string, ProjectionDefinition>();
  private readonly listeners = new Set<ProjectedListener>();
  private readonly rebuilds = new RebuildRequests();
  /** Projections this process leads whose last attempt failed in their own code or documents, until they commit again. */
  private readonly failures = new Map<string, { message: string; since: Date }>();
  private readonly life: Lifecycle;
  private readonly reader: LogReader;
  private readonly generations: GenerationTable;
  private readonly checkpoints: ActiveCheckpoints;
  private readonly leadership: Leadership;
  private readonly lanes: Lanes;
  private readonly log: (message: string) => void;
  private readonly commitEvery: number;
  private readonly lockRetryMs: number;
  private stopListening?: () => Promise<void>;
  /** Per projection, the reading of batches committed elsewhere for this process's listeners, one after another. */
  private readonly following = new Map<string, Promise<void>>();

  constructor(
    store: EventStore,
    private readonly sql: SqlDriver,
    projections: readonly ProjectionDefinition[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    for (const projection of projections) this.definitions.set(assertIdentifier(projection.name), projection);
    this.log = options.log ?? (() => undefined);
    this.commitEvery = options.commitEvery ?? 25_000;
    this.lockRetryMs = options.lockRetryMs ?? 2000;
    this.life = new Lifecycle(this.log);
    this.reader = new LogReader(store, options.batchSize ?? 5000);
    this.generations = new GenerationTable(sql, this.log);
    this.checkpoints = new ActiveCheckpoints(
      this.generations,
      new Set(this.definitions.keys()),
      (name, from, to) => this.committedElsewhere(name, from, to),
      (names) => this.lanes.hurry(names),
    );
    this.leadership = new Leadership(sql, this.life, this.lockRetryMs, this.log);
    const settings = {
      commitEvery: this.commitEvery,
      idleWaitMs: options.idleWaitMs ?? 1000,
      roundIntervalMs: options.roundIntervalMs ?? 5,
      roundShare: options.roundShare ?? ROUND_SHARE,
      unwaitedRoundShare: options.unwaitedRoundShare ?? 0.05,
      longestRoundIntervalMs: options.longestRoundIntervalMs ?? LONGEST_ROUND_INTERVAL_MS,
      longestUnwaitedRoundIntervalMs: options.longestUnwaitedRoundIntervalMs ?? 200,
    };
    this.lanes = new Lanes(sql, this.reader, this.generations, this.life, settings, {
      committed: (run, applied, events) => this.committed(run, applied, events),
      caughtUp: (run) => this.activated(run),
    });
  }

  get projections(): string[] {
    return [...this.definitions.keys()];
  }

  /** Creates the bookkeeping table, learns the active generations, and starts leading each projection it can. */
  async start(): Promise<void> {
    await migrate(this.sql, PROJECTION_MIGRATIONS);
    this.stopListening = await this.sql.listen(STATUS_CHANNEL, (payload) => this.checkpoints.heard(payload));
    await this.checkpoints.refresh();
    if (this.options.lead === false) return;
    let attempting = this.definitions.size;
    let open!: () => void;
    this.lanes.holdUntil(new Promise<void>((resolve) => (open = resolve)));
    const attempted = () => --attempting === 0 && open();
    this.life.later(GATE_MS, async () => open());
    for (const definition of this.definitions.values()) {
      const { name } = definition;
      // Its first attempt is over once it lost, failed, or enlisted its generations, whichever comes first.
      const firstAttempted = once(attempted);
      const failed = (error: Error) => {
        if (error instanceof ProjectionFailedError) this.failures.set(name, { message: error.message, since: new Date() });
      };
      this.life.track(this.leadership.lead(name, () => this.project(definition, firstAttempted), firstAttempted, failed));
    }
  }

  async stop(): Promise<void> {
    this.life.halt();
    this.lanes.wakeAll();
    this.rebuilds.refuseAll('the projection engine stopped');
    await this.life.settled();
    await this.stopListening?.();
    this.checkpoints.close();
  }

  /** Schema of the generation queries should read, or undefined while the first build runs. */
  activeSchema(name: string): string | undefined {
    return this.checkpoints.schemaOf(name);
  }

  checkpoint(name: string): bigint {
    return this.checkpoints.checkpoint(name);
  }

  /**
   * Each projection's checkpoint as this process knows it, and why it is stuck if this process leads it and its
   * last attempt failed (an event it cannot apply): the same failure recurs on every retry until the code is fixed.
   */
  status(): Array<{ name: string; checkpoint: bigint; leading: boolean; failing?: { message: string; since: Date } }> {
    return this.projections.map((name) => ({
      name,
      checkpoint: this.checkpoint(name),
      leading: this.leadership.held.has(name),
      ...(this.failures.has(name) ? { failing: this.failures.get(name) } : {}),
    }));
  }

  /** status() as JSON for a health answer: by projection name, positions as strings, times in ISO 8601. */
  statusReport(): Record<string, { checkpoint: string; leading: boolean; failing?: { message: string; since: string } }> {
    return Object.fromEntries(
      this.status().map(({ name, checkpoint, leading, failing }) => [
        name,
        {
          checkpoint: checkpoint.toString(),
          leading,
          ...(failing ? { failing: { message: failing.message, since: failing.since.toISOString() } } : {}),
        },
      ]),
    );
  }

  /** Called with the events of each committed batch of an active generation: the hook for live updates. */
  onProjected(listener: ProjectedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every named projection has processed `position` (read-your-writes); no polling, woken by commits. */
  waitFor(names: readonly string[], position: bigint, timeoutMs: number): Promise<void> {
    return this.checkpoints.waitFor(names, position, timeoutMs);
  }

  /**
   * Builds a new generation of `name` from the start of the log beside the active one, and switches
   * queries to it once it has caught up. Only the process holding the projection's lock can do it.
   */
  rebuild(name: string): Promise<RebuildResult> {
    this.definitionOf(name); // refuses an unknown name before anything starts
    if (this.options.lead === false)
      return Promise.reject(
        new Error(`this process runs no projections (KRING_PROJECTIONS=off): rebuild ${name} where the projector runs`),
      );
    const promise = this.rebuilds.ask(name);
    this.life.interrupt();
    return promise;
  }

  /** The projection replayed up to `position` into a schema of its own ("as of"); the caller drops it. */
  replayInto(name: string, schema: string, position: bigint): Promise<void> {
    return replayInto(this.sql, this.reader, this.definitionOf(name), schema, position, this.commitEvery);
  }

  private definitionOf(name: string): ProjectionDefinition {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown projection "${name}"`);
    return definition;
  }

  /**
   * Another process committed a batch of an active generation: its listeners here hear of those events
   * too (read from the log), so live updates reach clients of every API replica.
   */
  private committedElsewhere(name: string, from: bigint, to: bigint): void {
    if (this.listeners.size === 0 || from < 0n) return;
    const types = [...checksOf(this.definitionOf(name)).keys()];
    const previous = this.following.get(name) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (let after = from; after < to;) {
        const events = await this.reader.read(after, types, to);
        if (events.length === 0) return;
        for (const listener of this.listeners) listener(name, events);
        after = events[events.length - 1].position;
      }
    });
    this.following.set(
      name,
      next.catch((error: Error) => this.log(`projection ${name}: the events committed elsewhere could not be read: ${error.message}`)),
    );
  }

  /** Leading it: make sure a generation of the current version exists, and run every live generation. */
  private async project(definition: ProjectionDefinition, enlisted: () => void): Promise<void> {
    await this.generations.dropRetired(definition.name);
    const generations = await this.generations.of(definition.name);
    const current = generations.find((g) => g.state === 'active');
    let building = generations.find((g) => g.state === 'building');
    if (building && building.version !== definition.version) {
      await this.generations.retire(building);
      building = undefined;
    }
    if (current?.version !== definition.version && !building) building = await this.generations.create(definition, generations);

    const runs = new Set<Promise<void>>();
    const halt = { requested: false };
    const run = (generation: Generation) => {
      const task = this.lanes.run(definition, generation, halt).finally(() => runs.delete(task));
      runs.add(task);
    };
    if (current) run(current);
    if (building) run(building);
    enlisted();
    try {
      while (!this.life.stopped && runs.size > 0) {
        // A rebuild asked for while we lead starts a new generation beside the running ones.
        const buildingNow = [...this.lanes.running].some((g) => g.name === definition.name && g.state === 'building');
        if (this.rebuilds.asked(definition.name) && !buildingNow)
          run(await this.generations.create(definition, await this.generations.of(definition.name)));
        await Promise.race([...runs, this.life.pause(this.lockRetryMs)]);
      }
    } finally {
      // One generation failing (a lost connection) stops them all: the next leader starts clean.
      halt.requested = true;
      await Promise.allSettled([...runs]);
    }
  }

  private committed(run: GenerationRun, applied: number, events: readonly RecordedEvent[]): void {
    const { generation } = run;
    this.failures.delete(generation.name);
    this.options.onBatch?.({
      name: generation.name,
      generation: generation.generation,
      checkpoint: generation.checkpoint,
      events: applied,
    });
    const before = run.applied - applied;
    if (generation.state === 'building' && Math.floor(run.applied / 100_000) > Math.floor(before / 100_000))
      this.log(`projection ${generation.name} generation ${generation.generation}: ${run.applied} events, at ${generation.checkpoint}`);
    if (generation.state !== 'active') return;
    this.checkpoints.advanced(generation);
    if (events.length > 0) for (const listener of this.listeners) listener(generation.name, events);
  }

  /** A building generation that reached the head becomes the one queries read; the one before it is dropped after a grace period. */
  private async activated(run: GenerationRun): Promise<void> {
    const { definition, generation } = run;
    const previous = this.checkpoints.generationOf(generation.name);
    await this.generations.activate(definition, generation);
    run.buffer.indexed();
    this.checkpoints.advanced(generation);
    if (previous && previous !== generation) {
      previous.state = 'retired';
      this.life.later(RETIRED_GRACE_MS, () => this.generations.dropRetired(generation.name));
    }
    const result = {
      name: definition.name,
      generation: generation.generation,
      events: run.applied,
      checkpoint: generation.checkpoint,
      ms: Date.now() - run.started,
    };
    this.log(`projection ${definition.name}: generation ${generation.generation} active after ${run.applied} events in ${result.ms} ms`);
    this.rebuilds.done(result);
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) action();
    done = true;
  };
}
