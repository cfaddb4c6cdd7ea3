/**
 * The little a command needs to know of another aggregate, folded from that aggregate's stream by
 * whoever sends the command: small values, so that no aggregate's rules depend on another's state.
 */
import type { CircleMethod } from '../network/events';

/** Whether a participant can be named in a command. */
export type ParticipantStanding = 'unknown' | 'registered' | 'forgotten';

/** Whether a network exists, is open, and by which method it works. */
export type NetworkStanding = { status: 'unknown' } | { status: 'open' | 'closed'; method: CircleMethod };
