import { given } from '../shared/testing';
import { ReferralCommand, referralDecider } from './decide';
import type { ReferralEvent } from './events';

const referred: ReferralEvent = {
  type: 'ReferredToBuddyProgramme',
  data: {
    referralId: 'r1',
    participantId: 'p1',
    programme: 'maatjesproject Humanitas',
    referredOn: '2024-02-01',
    personal: { subjectId: 'p1', reason: 'groep is niet genoeg' },
  },
};
const matched: ReferralEvent = {
  type: 'ReferralClosed',
  data: { referralId: 'r1', participantId: 'p1', status: 'MATCHED', closedOn: '2024-03-01' },
};
const refer = (participant: 'registered' | 'unknown' | 'forgotten' = 'registered'): ReferralCommand => ({
  type: 'ReferToBuddyProgramme',
  referralId: 'r1',
  participantId: 'p1',
  programme: 'maatjesproject Humanitas',
  reason: 'groep is niet genoeg',
  on: '2024-02-01',
  participant,
});
const close = (status: 'MATCHED' | 'DECLINED' | 'ENDED' | 'OPEN' = 'MATCHED', on = '2024-03-01'): ReferralCommand => ({
  type: 'CloseReferral',
  status,
  on,
});

describe('Referral decider', () => {
  it('refers a registered participant to a buddy programme, the reason kept as personal data', () => {
    given(referralDecider).when(refer()).then([referred]);
  });
  it('refuses referring an unregistered (NOT_FOUND) or forgotten participant', () => {
    given(referralDecider).when(refer('unknown')).thenRefused('NOT_FOUND');
    given(referralDecider).when(refer('forgotten')).thenRefused('CONFLICT');
  });
  it('refuses making the same referral twice', () => {
    given(referralDecider, [referred]).when(refer()).thenRefused('CONFLICT');
  });
  it('closes a referral as matched, declined or ended', () => {
    given(referralDecider, [referred]).when(close()).then([matched]);
    for (const status of ['DECLINED', 'ENDED'] as const)
      given(referralDecider, [referred])
        .when(close(status))
        .then([{ type: 'ReferralClosed', data: { ...matched.data, status } }]);
  });
  it('closes a referral once', () => {
    given(referralDecider, [referred, matched])
      .when(close('ENDED', '2024-04-01'))
      .thenRefused('CONFLICT', 'Referral r1 was already closed as MATCHED on 2024-03-01');
  });
  it('refuses OPEN as a closing status (bad input), closing before the referral, and unknown referrals', () => {
    given(referralDecider, [referred]).when(close('OPEN')).thenRefused('INVALID', undefined, 'status');
    given(referralDecider, [referred]).when(close('MATCHED', '2024-01-01')).thenRefused('CONFLICT');
    given(referralDecider).when(close()).thenRefused('NOT_FOUND');
  });
});
