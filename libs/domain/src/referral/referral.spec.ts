import { given } from '../shared/testing';
import { ReferralCommand, referralDecider } from './decide';
import type { ReferralEvent } from './events';

const referred: ReferralEvent = {
  type: 'ReferredToBuddyProgramme',
  data: { referralId: 'r1', participantId: 'p1', programme: 'maatjesproject Humanitas', referredOn: '2024-02-01' },
  personal: { subjectId: 'p1', reason: 'groep is niet genoeg' },
};
const matched: ReferralEvent = {
  type: 'ReferralClosed',
  data: { referralId: 'r1', participantId: 'p1', status: 'MATCHED', closedOn: '2024-03-01' },
  personal: undefined,
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
    expect(given(referralDecider).when(refer())).toEqual({ events: [referred] });
  });
  it('refuses referring an unregistered (NOT_FOUND) or forgotten participant', () => {
    expect(given(referralDecider).when(refer('unknown'))).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    expect(given(referralDecider).when(refer('forgotten'))).toMatchObject({ refused: { kind: 'CONFLICT' } });
  });
  it('refuses making the same referral twice', () => {
    expect(given(referralDecider, [referred]).when(refer())).toMatchObject({ refused: { kind: 'CONFLICT' } });
  });
  it('closes a referral as matched, declined or ended', () => {
    expect(given(referralDecider, [referred]).when(close())).toEqual({ events: [matched] });
    expect(given(referralDecider, [referred]).when(close('DECLINED'))).toMatchObject({ events: [{ data: { status: 'DECLINED' } }] });
    expect(given(referralDecider, [referred]).when(close('ENDED'))).toMatchObject({ events: [{ data: { status: 'ENDED' } }] });
  });
  it('closes a referral once', () => {
    expect(given(referralDecider, [referred, matched]).when(close('ENDED', '2024-04-01'))).toEqual({
      refused: { kind: 'CONFLICT', message: 'Referral r1 was already closed as MATCHED on 2024-03-01' },
    });
  });
  it('refuses OPEN as a closing status (bad input), closing before the referral, and unknown referrals', () => {
    expect(given(referralDecider, [referred]).when(close('OPEN'))).toMatchObject({ refused: { kind: 'INVALID', field: 'status' } });
    expect(given(referralDecider, [referred]).when(close('MATCHED', '2024-01-01'))).toMatchObject({ refused: { kind: 'CONFLICT' } });
    expect(given(referralDecider).when(close())).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
  });
});
