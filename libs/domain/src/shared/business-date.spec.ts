import { BusinessCalendar } from './business-date';

const at = new Date('2026-11-20T10:00:00Z');
const event = (streamId: string, type: string, data: Record<string, unknown>) => ({ streamId, type, data, recordedAt: at });

describe('Business dates (kring replay --on)', () => {
  it('are the date in the event, or for an undated one the latest date before it in its stream', () => {
    const calendar = new BusinessCalendar();
    expect(calendar.dateOf(event('participant-p1', 'ParticipantRegistered', { participantId: 'p1' }))).toBeUndefined();
    expect(calendar.dateOf(event('network-n1', 'NetworkStarted', { networkId: 'n1', startedOn: '2025-01-06' }))).toBe('2025-01-06');
    expect(calendar.dateOf(event('network-n1', 'FacilitatorAssigned', { networkId: 'n1' }))).toBe('2025-01-06');
    expect(calendar.dateOf(event('network-n1', 'MeetingHeld', { networkId: 'n1', heldOn: '2025-03-03' }))).toBe('2025-03-03');
    // Recorded late, about an earlier day: its own date counts; what follows keeps the latest.
    expect(calendar.dateOf(event('network-n1', 'ContactOutsideMeetingsReported', { networkId: 'n1', on: '2025-02-10' }))).toBe(
      '2025-02-10',
    );
    expect(calendar.dateOf(event('network-n1', 'AbsenceFollowedUp', { networkId: 'n1' }))).toBe('2025-03-03');
    expect(calendar.dateOf(event('participant-p1', 'ParticipantForgotten', { participantId: 'p1' }))).toBeUndefined();
    expect(calendar.dateOf(event('access-p1', 'RecordAccessed', { subjectId: 'p1' }))).toBe('2026-11-20');
  });

  it('say whether an event had happened by the end of a day; an undated one that opens its stream always has', () => {
    const calendar = new BusinessCalendar();
    expect(calendar.happenedBy(event('participant-p1', 'ParticipantRegistered', { participantId: 'p1' }), '2000-01-01')).toBe(true);
    expect(calendar.happenedBy(event('participant-p1', 'IndividualSupportSet', { on: '2025-05-01' }), '2025-04-30')).toBe(false);
    expect(calendar.happenedBy(event('participant-p1', 'SupportScaledDown', { on: '2025-05-01' }), '2025-05-01')).toBe(true);
    expect(calendar.happenedBy(event('access-p1', 'RecordAccessed', {}), '2026-11-19')).toBe(false);
  });
});
