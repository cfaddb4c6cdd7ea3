import type { RecordedEvent } from './event-store';
import { Upcasters } from './upcasting';

const stored = (type: string, version: number, data: RecordedEvent['data']): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  streamId: 's',
  type,
  version,
  data,
  metadata: {},
  recordedAt: new Date(0),
  streamRevision: 0n,
  position: 1n,
});

describe('Upcasters', () => {
  const upcasters = new Upcasters([
    { type: 'SupportScaledDown', fromVersion: 1, upcast: (data) => ({ toEveryWeeks: data.weeks }) },
    { type: 'SupportScaledDown', fromVersion: 2, upcast: (data, event) => ({ ...data, reason: `upcast from ${event.version}` }) },
  ]);

  it('runs the chain from the stored version to the newest', () => {
    expect(upcasters.apply(stored('SupportScaledDown', 1, { weeks: 3 }))).toMatchObject({
      version: 3,
      data: { toEveryWeeks: 3, reason: 'upcast from 2' },
    });
  });

  it('leaves the newest version and other types untouched', () => {
    const newest = stored('SupportScaledDown', 3, { toEveryWeeks: 3, reason: 'r' });
    expect(upcasters.apply(newest)).toBe(newest);
    const other = stored('MeetingHeld', 1, {});
    expect(upcasters.apply(other)).toBe(other);
  });

  it('refuses two upcasters for the same type and version', () => {
    expect(
      () =>
        new Upcasters([
          { type: 'A', fromVersion: 1, upcast: (d) => d },
          { type: 'A', fromVersion: 1, upcast: (d) => d },
        ]),
    ).toThrow('Two upcasters registered for A v1');
  });
});
