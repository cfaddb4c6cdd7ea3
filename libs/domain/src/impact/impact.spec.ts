import type { StoredEvent } from '../shared/projection';
import { EvaluationConsents, EvaluationExporter, fromExport } from './evaluation-export';
import { type ImpactFigures, ImpactCalculator, impactCsv, monthsOf } from './impact';

/** A small history whose figures are worked out by hand below. Personal text is irrelevant to figures: "x". */
function history(): StoredEvent[] {
  const events: Array<[string, Record<string, unknown>]> = [
    [
      'NetworkStarted',
      {
        networkId: 'A',
        name: 'A',
        method: 'PEER_NETWORK',
        municipality: 'Baarn',
        purpose: 'p',
        funding: 'SUBSIDIE',
        cadenceWeeks: 1,
        startedOn: '2024-01-01',
      },
    ],
    ...['p1', 'p2'].map((id): [string, Record<string, unknown>] => [
      'ParticipantRegistered',
      { participantId: id, municipality: 'Baarn', consentToEvaluation: true, personal: { subjectId: id, displayName: 'x' } },
    ]),
    [
      'ParticipantRegistered',
      { participantId: 'p3', municipality: 'Baarn', consentToEvaluation: false, personal: { subjectId: 'p3', displayName: 'x' } },
    ],
    ['ParticipantJoined', { networkId: 'A', participantId: 'p1', role: 'PARTICIPANT', joinedOn: '2024-01-01' }],
    ['ParticipantJoined', { networkId: 'A', participantId: 'p2', role: 'PARTICIPANT', joinedOn: '2024-01-01' }],
    ['ParticipantJoined', { networkId: 'A', participantId: 'pr', role: 'PROFESSIONAL', joinedOn: '2024-01-01' }],
    ['NeighbourInvolved', { networkId: 'A', participantId: 'n1', involvedOn: '2024-02-01', personal: { subjectId: 'n1', offer: 'x' } }],
    ['ParticipantJoined', { networkId: 'A', participantId: 'p3', role: 'PARTICIPANT', joinedOn: '2024-03-01' }],
    ['ParticipantLeft', { networkId: 'A', participantId: 'p3', leftOn: '2024-05-01', personal: { subjectId: 'p3', reason: 'x' } }],
    [
      'MeetingHeld',
      {
        networkId: 'A',
        meetingId: 'm1',
        heldOn: '2024-01-03',
        attended: ['p1', 'p2'],
        absent: [],
        sequence: 1,
        personal: { subjectId: 'A', activity: 'x' },
      },
    ],
    [
      'MeetingHeld',
      {
        networkId: 'A',
        meetingId: 'm2',
        heldOn: '2024-03-06',
        attended: ['p1', 'p3'],
        absent: ['p2'],
        sequence: 2,
        personal: { subjectId: 'A', activity: 'x' },
      },
    ],
    [
      'ContactOutsideMeetingsReported',
      { networkId: 'A', between: ['p1', 'p2'], on: '2024-02-10', personal: { subjectId: 'A', kind: 'x' } },
    ],
    [
      'ContactOutsideMeetingsReported',
      { networkId: 'A', between: ['p1', 'p2'], on: '2025-01-05', personal: { subjectId: 'A', kind: 'x' } },
    ],
    ...['p1', 'p2', 'p3'].map((id): [string, Record<string, unknown>] => [
      'IndividualSupportSet',
      { participantId: id, everyWeeks: 1, on: '2024-01-01', setBy: 'coach' },
    ]),
    [
      'SupportScaledDown',
      { participantId: 'p1', fromEveryWeeks: 1, toEveryWeeks: 2, on: '2024-04-01', personal: { subjectId: 'p1', reason: 'x' } },
    ],
    [
      'SupportScaledDown',
      { participantId: 'p1', fromEveryWeeks: 2, toEveryWeeks: 3, on: '2024-07-01', personal: { subjectId: 'p1', reason: 'x' } },
    ],
    [
      'SupportScaledDown',
      { participantId: 'p3', fromEveryWeeks: 1, toEveryWeeks: 2, on: '2024-04-01', personal: { subjectId: 'p3', reason: 'x' } },
    ],
    [
      'ReferredToBuddyProgramme',
      {
        referralId: 'r1',
        participantId: 'p1',
        programme: 'Buddy Netwerk',
        referredOn: '2024-02-01',
        personal: { subjectId: 'p1', reason: 'x' },
      },
    ],
    ['ReferralClosed', { referralId: 'r1', participantId: 'p1', status: 'MATCHED', closedOn: '2024-03-02' }],
    [
      'ReferredToBuddyProgramme',
      {
        referralId: 'r2',
        participantId: 'p2',
        programme: 'Buddy Netwerk',
        referredOn: '2024-06-01',
        personal: { subjectId: 'p2', reason: 'x' },
      },
    ],
    [
      'ReferredToBuddyProgramme',
      {
        referralId: 'r3',
        participantId: 'p3',
        programme: 'Buddy Netwerk',
        referredOn: '2024-06-01',
        personal: { subjectId: 'p3', reason: 'x' },
      },
    ],
    ['OutcomeMeasured', { participantId: 'p1', instrument: 'DJG6', score: 5, measuredOn: '2024-01-01' }],
    ['OutcomeMeasured', { participantId: 'p1', instrument: 'DJG6', score: 3, measuredOn: '2024-07-01' }],
    ['OutcomeMeasured', { participantId: 'p1', instrument: 'ZRM', score: 2, measuredOn: '2024-01-01' }],
    ['OutcomeMeasured', { participantId: 'p1', instrument: 'ZRM', score: 3, measuredOn: '2024-07-01' }],
    ['OutcomeMeasured', { participantId: 'p2', instrument: 'DJG6', score: 4, measuredOn: '2024-01-01' }],
    [
      'ParticipantRegistered',
      { participantId: 'p4', municipality: 'Soest', consentToEvaluation: true, personal: { subjectId: 'p4', displayName: 'x' } },
    ],
    [
      'NetworkStarted',
      {
        networkId: 'B',
        name: 'B',
        method: 'SUPPORT_CIRCLE',
        municipality: 'Soest',
        purpose: 'p',
        funding: 'BESCHIKKING',
        cadenceWeeks: 4,
        startedOn: '2024-06-01',
        focalParticipantId: 'p4',
      },
    ],
    ['ParticipantJoined', { networkId: 'B', participantId: 'p4', role: 'PARTICIPANT', joinedOn: '2024-06-01' }],
    ['ParticipantJoined', { networkId: 'B', participantId: 'c1', role: 'CIRCLE_MEMBER', joinedOn: '2024-06-15' }],
    [
      'MeetingHeld',
      {
        networkId: 'B',
        meetingId: 'm3',
        heldOn: '2024-07-01',
        attended: ['p4', 'c1'],
        absent: [],
        sequence: 1,
        personal: { subjectId: 'B', activity: 'x' },
      },
    ],
    ['NetworkClosed', { networkId: 'B', closedOn: '2024-12-01', personal: { subjectId: 'B', reason: 'x' } }],
  ];
  return events.map(([type, data], index) => ({
    id: `e${index + 1}`,
    streamId: `s-${String(data.networkId ?? data.participantId ?? data.referralId)}`,
    position: BigInt(index + 1),
    recordedAt: new Date('2025-01-10T10:00:00Z'),
    type,
    version: 1,
    data,
  }));
}

const nothing = { scaledDownShare: null, medianDaysToScaleDown: null, medianDaysToMatch: null, djg6MeanChange: null, zrmMeanChange: null };

const PEER: ImpactFigures = {
  group: 'PEER_NETWORK',
  networks: 1,
  membersAtStart: 2, // p1 and p2 (the professional does not count)
  joined: 4, // p1, p2, n1, p3
  left: 1, // p3
  membersAtEnd: 3, // p1, p2, n1
  retention: 0.75, // 3 of the 4
  meetings: 2,
  attendance: 0.8, // 4 attended of 5 expected
  outsideContacts: 1, // the other falls in 2025
  peopleWithSupport: 2, // p1 and p2; p3 did not consent
  scaledDown: 1,
  scaledDownShare: 0.5,
  medianDaysToScaleDown: 91, // 2024-01-01 → 2024-04-01
  contactsPerYearSaved: 34.7, // p1: 52/1 − 52/3
  referrals: 2, // r1 and r2; r3 is p3's
  referralsMatched: 1,
  referralsDeclined: 0,
  referralsEnded: 0,
  referralsOpen: 1,
  medianDaysToMatch: 30, // 2024-02-01 → 2024-03-02
  djg6People: 1, // p1; p2 was measured once
  djg6MeanChange: -2,
  zrmPeople: 1,
  zrmMeanChange: 1,
};
const CIRCLE: ImpactFigures = {
  ...nothing,
  group: 'SUPPORT_CIRCLE',
  networks: 1,
  membersAtStart: 0,
  joined: 2,
  left: 0,
  membersAtEnd: 2,
  retention: 1,
  meetings: 1,
  attendance: 1,
  outsideContacts: 0,
  peopleWithSupport: 0,
  scaledDown: 0,
  contactsPerYearSaved: 0,
  referrals: 0,
  referralsMatched: 0,
  referralsDeclined: 0,
  referralsEnded: 0,
  referralsOpen: 0,
  djg6People: 0,
  zrmPeople: 0,
};

describe('Impact figures over a hand-made history (2024)', () => {
  const calculator = new ImpactCalculator();
  history().forEach((event) => calculator.add(event));

  it('by method: each group as worked out by hand, and the total over both', () => {
    expect(calculator.report('2024-01-01', '2024-12-31', 'method')).toEqual({
      from: '2024-01-01',
      to: '2024-12-31',
      by: 'method',
      groups: [PEER, CIRCLE],
      total: {
        ...PEER,
        group: 'total',
        networks: 2,
        joined: 6,
        membersAtEnd: 5,
        retention: 0.833, // 5 of 6
        meetings: 3,
        attendance: 0.857, // 6 of 7
      },
    });
  });

  it('by municipality and by cohort, people placed by their own municipality and first joining', () => {
    const byMunicipality = calculator.report('2024-01-01', '2024-12-31', 'municipality');
    expect(byMunicipality.groups.map((g) => [g.group, g.networks, g.peopleWithSupport])).toEqual([
      ['Baarn', 1, 2],
      ['Soest', 1, 0],
    ]);
    expect(calculator.report('2024-01-01', '2024-12-31', 'cohort').groups.map((g) => [g.group, g.networks, g.referrals])).toEqual([
      ['2024', 2, 2],
    ]);
  });

  it('counts a referral open until it closes, and a period before the support changes as saving nothing', () => {
    const early = calculator.report('2024-01-01', '2024-02-29');
    expect([early.total.referrals, early.total.referralsOpen, early.total.scaledDown, early.total.contactsPerYearSaved]).toEqual([
      1, 1, 0, 0,
    ]);
  });

  it('knows its period (the first and last date in the events) and the figures of each month, cut to a period', () => {
    expect(calculator.period()).toEqual({ from: '2024-01-01', to: '2025-01-05' });
    expect(new ImpactCalculator().period()).toBeNull();
    expect(monthsOf('2023-12-15', '2024-02-10')).toEqual([
      { month: '2023-12', from: '2023-12-15', to: '2023-12-31' },
      { month: '2024-01', from: '2024-01-01', to: '2024-01-31' },
      { month: '2024-02', from: '2024-02-01', to: '2024-02-10' },
    ]);
    const months = calculator.months('2024-01-15', '2024-03-10');
    expect(months.map(({ month, figures: [f] }) => [month, f.membersAtEnd, f.meetings, f.attendance, f.outsideContacts])).toEqual([
      ['2024-01', 2, 0, null, 0], // m1 was held on the 3rd, before the period
      ['2024-02', 3, 0, null, 1], // n1 involved on the 1st
      ['2024-03', 4, 1, 0.667, 0], // p3 joined on the 1st; m2: 2 of 3
    ]);
    expect(calculator.months('2024-06-01', '2024-06-30', 'method')[0].figures.map((f) => [f.group, f.membersAtEnd])).toEqual([
      ['PEER_NETWORK', 3],
      ['SUPPORT_CIRCLE', 2],
    ]);
  });

  it('writes CSV with a header, a row per group and the total; empty cells where there is no figure', () => {
    const csv = impactCsv(calculator.report('2024-01-01', '2024-12-31', 'method')).split('\n');
    expect(csv[0]).toBe(
      'group,networks,membersAtStart,joined,left,membersAtEnd,retention,meetings,attendance,outsideContacts,peopleWithSupport,scaledDown,scaledDownShare,medianDaysToScaleDown,contactsPerYearSaved,referrals,referralsMatched,referralsDeclined,referralsEnded,referralsOpen,medianDaysToMatch,djg6People,djg6MeanChange,zrmPeople,zrmMeanChange',
    );
    expect(csv[2]).toBe('SUPPORT_CIRCLE,1,0,2,0,2,1,1,1,0,0,0,,,0,0,0,0,0,0,,0,,0,');
    expect(csv.slice(3)).toEqual([expect.stringMatching(/^total,2,2,6,1,5,0.833,3,0.857,/), '']);
  });
});

describe('The evaluation export of that history', () => {
  const consents = new EvaluationConsents();
  history().forEach((event) => consents.add(event));
  const exporter = new EvaluationExporter(consents, (id) => `pseudo-${id}`);
  const exported = history().flatMap((event) => {
    const out = exporter.exported(event);
    return out ? [out] : [];
  });

  it('gives the same figures as the log', () => {
    const fromLog = new ImpactCalculator();
    history().forEach((event) => fromLog.add(event));
    const fromExported = new ImpactCalculator();
    exported.forEach((event) => fromExported.add(fromExport(event)));
    for (const by of [null, 'method', 'municipality', 'funding', 'cohort'] as const)
      expect(fromExported.report('2024-01-01', '2024-12-31', by)).toEqual(fromLog.report('2024-01-01', '2024-12-31', by));
  });

  it('names people who consented by pseudonym, and those who did not (p3, the professional, the neighbour) only by a token where networks count them', () => {
    const text = JSON.stringify(exported);
    expect(text).toContain('pseudo-p1');
    expect(text).not.toMatch(/"p[1-4]"|pseudo-p3|"x"|"A","name":"A"/);
    const p3 = exported.filter((event) => JSON.stringify(event.data).includes('"x3"'));
    expect(p3.map((event) => event.type)).toEqual(['ParticipantJoined', 'ParticipantLeft', 'MeetingHeld']);
    expect(exported.filter((event) => event.type === 'ReferredToBuddyProgramme').map((event) => event.data.participantId)).toEqual([
      'pseudo-p1',
      'pseudo-p2',
    ]);
  });
});
