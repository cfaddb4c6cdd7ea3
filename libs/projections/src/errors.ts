/** A read-your-writes wait ran out before the read model reached the caller's position. */
export class StaleReadModelError extends Error {
  readonly code = 'STALE_READ_MODEL';
  constructor(
    readonly projections: readonly string[],
    readonly position: bigint,
  ) {
    super(`the read model (${projections.join(', ')}) did not reach position ${position} in time`);
    this.name = 'StaleReadModelError';
  }
}

/** The checkpoint row changed under us: another process projects this generation now. */
export class LostLeadershipError extends Error {}

/** One projection's own code or documents failed (an event it cannot apply, a document its tables refuse). */
export class ProjectionFailedError extends Error {
  constructor(
    readonly projection: string,
    doing: string,
    cause: unknown,
  ) {
    super(`projection ${projection} failed ${doing}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ProjectionFailedError';
  }
}

/** What a projection was doing when its documents failed to write, as ProjectionFailedError says it. */
export const writingDocumentsUpTo = (checkpoint: bigint): string => `writing its documents up to position ${checkpoint}`;
