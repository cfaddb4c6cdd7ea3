import { Decider, DomainError, fold } from './decider';

export type Outcome<Event> = { events: Event[] } | { refused: { kind: DomainError['kind']; message: string; field?: string } };

/**
 * Given events, When a command, Then events or a refusal: the decider specs read as the rules they state.
 * Returns a plain value so each spec states its expectation with its own test framework.
 */
export function given<Command, Event, State>(decider: Decider<Command, Event, State>, history: readonly Event[] = []) {
  return {
    when(command: Command): Outcome<Event> {
      const state = fold(decider, history);
      try {
        return { events: decider.decide(command, state) };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { refused: { kind: error.kind, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      }
    },
  };
}
