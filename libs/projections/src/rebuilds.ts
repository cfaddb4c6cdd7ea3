export interface RebuildResult {
  name: string;
  generation: number;
  events: number;
  checkpoint: bigint;
  ms: number;
}

/** Rebuilds asked for and not yet done, one per projection: asking again while one runs joins it. */
export class RebuildRequests {
  private readonly pending = new Map<
    string,
    { promise: Promise<RebuildResult>; resolve: (result: RebuildResult) => void; reject: (error: Error) => void }
  >();

  ask(name: string): Promise<RebuildResult> {
    const running = this.pending.get(name);
    if (running) return running.promise;
    let resolve!: (result: RebuildResult) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<RebuildResult>((ok, fail) => ((resolve = ok), (reject = fail)));
    this.pending.set(name, { promise, resolve, reject });
    promise.catch(() => undefined).finally(() => this.pending.delete(name));
    return promise;
  }

  asked(name: string): boolean {
    return this.pending.has(name);
  }

  /** A new generation of `result.name` became active: a rebuild asked for is done. */
  done(result: RebuildResult): void {
    this.pending.get(result.name)?.resolve(result);
  }

  refuseAll(reason: string): void {
    for (const rebuild of this.pending.values()) rebuild.reject(new Error(reason));
  }
}
