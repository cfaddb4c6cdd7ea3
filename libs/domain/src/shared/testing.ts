/** For decider specs only (Jest's `expect`): Given events, When a command, Then exactly these events, or a refusal. */
import { Decider, DomainError, fold } from './decider';

type Outcome<Event> = { events: Event[] } | { refused: { kind: DomainError['kind']; message: string; field?: string } };

export function given<Command, Event, State>(decider: Decider<Command, Event, State>, history: readonly Event[] = []) {
  return {
    when(command: Command) {
      const outcome = decideOn(decider, history, command);
      return {
        /** Exactly these events, in this order, and nothing else. */
        then(events: Event[]): void {
          expect(outcome).toEqual({ events });
        },
        /** Refused with this kind of error, no events; with `message` (a text: exactly; a pattern: matching) and `field`, when given. */
        thenRefused(kind: DomainError['kind'], message?: RegExp | string, field?: string): void {
          const text = message === undefined ? expect.any(String) : typeof message === 'string' ? message : expect.stringMatching(message);
          expect(outcome).toEqual({ refused: { kind, message: text, ...(field ? { field } : {}) } });
        },
      };
    },
  };
}

function decideOn<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  history: readonly Event[],
  command: Command,
): Outcome<Event> {
  try {
    return { events: decider.decide(command, fold(decider, history)) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refused: { kind: error.kind, message: error.message, ...(error.field ? { field: error.field } : {}) } };
  }
}
