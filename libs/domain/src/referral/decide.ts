import { Decider, ensure, invalid, IsoDate, notFound } from '../shared/decider';
import type { ParticipantStanding } from '../shared/standing';
import type { ReferralEvent, ReferralStatus } from './events';

export type ReferralCommand =
  | {
      type: 'ReferToBuddyProgramme';
      referralId: string;
      participantId: string;
      programme: string;
      reason: string;
      on: IsoDate;
      participant: ParticipantStanding;
    }
  | { type: 'CloseReferral'; status: ReferralStatus; on: IsoDate };

export type ReferralState =
  { status: 'none' } | { status: ReferralStatus; referralId: string; participantId: string; referredOn: IsoDate; closedOn?: IsoDate };

function decide(command: ReferralCommand, state: ReferralState): ReferralEvent[] {
  if (command.type === 'ReferToBuddyProgramme') {
    ensure(state.status === 'none', `Referral ${command.referralId} already exists`);
    const { referralId, participantId, programme, on, reason } = command;
    if (command.participant === 'unknown') throw notFound(`No participant is registered with id ${participantId}`);
    ensure(command.participant !== 'forgotten', `Participant ${participantId} has been forgotten and cannot be referred`);
    return [
      {
        type: 'ReferredToBuddyProgramme',
        data: { referralId, participantId, programme, referredOn: on, personal: { subjectId: participantId, reason } },
      },
    ];
  }
  if (state.status === 'none') throw notFound('No referral with this id');
  if (command.status === 'OPEN') throw invalid('status', 'A referral is closed as MATCHED, DECLINED or ENDED');
  ensure(state.status === 'OPEN', `Referral ${state.referralId} was already closed as ${state.status} on ${state.closedOn}`);
  ensure(command.on >= state.referredOn, `A referral cannot close (${command.on}) before it was made (${state.referredOn})`);
  const { referralId, participantId } = state;
  return [{ type: 'ReferralClosed', data: { referralId, participantId, status: command.status, closedOn: command.on } }];
}

function evolve(state: ReferralState, event: ReferralEvent): ReferralState {
  switch (event.type) {
    case 'ReferredToBuddyProgramme': {
      const { referralId, participantId, referredOn } = event.data;
      return { status: 'OPEN', referralId, participantId, referredOn };
    }
    case 'ReferralClosed':
      return state.status === 'none' ? state : { ...state, status: event.data.status, closedOn: event.data.closedOn };
  }
}

export const referralDecider: Decider<ReferralCommand, ReferralEvent, ReferralState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};
