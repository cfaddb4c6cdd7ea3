/**
 * The shape of every capability's domain logic: pure functions, no I/O, no clock, no randomness.
 * Time and ids arrive inside the command; state that lives in another stream (is this participant
 * registered? is that network open?) is folded by the caller and passed in the command too.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  /** The events that record the command's outcome, or a DomainError: never a partial result. */
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/**
 * A domain event, one shape for deciders, the log and projections: `data` holds its facts, and
 * `data.personal` (where it has any) the personal data of one data subject (`subjectId`). Stored,
 * every text of `personal` is sealed for that subject (see Projected and libs/privacy), so that
 * destroying the subject's key erases it everywhere while counts and dates survive.
 */
export interface DomainEvent<Type extends string, Data extends object> {
  type: Type;
  data: Data;
}

export interface PersonalData {
  subjectId: string;
}

/** How a command was refused; the API maps it to CONFLICT, NOT_FOUND or BAD_USER_INPUT. */
export type RefusalKind = 'CONFLICT' | 'NOT_FOUND' | 'INVALID';

export class DomainError extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    /** For INVALID: the command field at fault. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const conflict = (message: string): DomainError => new DomainError('CONFLICT', message);
export const notFound = (message: string): DomainError => new DomainError('NOT_FOUND', message);
export const invalid = (field: string, message: string): DomainError => new DomainError('INVALID', message, field);

/** Throws a CONFLICT unless the rule holds: keeps each rule in a decider to one readable line. */
export function ensure(rule: boolean, message: string): asserts rule {
  if (!rule) throw conflict(message);
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/** Who is asking: the `sub` and roles of the caller's token, carried by commands whose rules depend on it. */
export interface Actor {
  id: string;
  roles: readonly string[];
}

/** Calendar dates travel as ISO `YYYY-MM-DD` strings, which order correctly as plain strings. */
export type IsoDate = string;

/** The calendar day (UTC) of an instant. */
export const dayOf = (instant: Date): IsoDate => instant.toISOString().slice(0, 10);
