import { careProjection, knowersAt, knowledgeProjection, scaleDownSummaryOf } from '../participant/read-model';
import { countPeriods, growthOf, isShrinking, MemberDoc, networksProjection, MeetingDoc, periodsBack } from '../network/read-model';
import { referralsProjection, referralSummaryOf } from '../referral/read-model';
import { accessEntriesBetween, AccessEntryDoc, accessProjection } from '../access/read-model';
import { recordAccess } from '../access/record-access';
import { applyEvents, ProjectedEvent, ProjectionDefinition } from './projection';
import type { SearchHash } from './personal';

/** Stand-ins for what libs/privacy stores: a topic is filed by its search hash, its text sealed. */
const hash = (topic: string) => `kh1.${topic}` as SearchHash;
const sealedTopic = (topic: string) => ({ subjectId: 'p', topic: 'ks1.sealed', topicHash: hash(topic) });

let position = 0n;
const at = (iso: string) => new Date(iso);
const e = (type: string, data: Record<string, unknown>, recordedAt = '2024-01-01T00:00:00Z'): ProjectedEvent => ({
  id: `e${++position}`,
  type,
  data,
  position,
  recordedAt: at(recordedAt),
});
/** Given these events, the read model's documents per collection. */
const given = (projection: ProjectionDefinition, events: ProjectedEvent[]) =>
  applyEvents(projection as ProjectionDefinition<ProjectedEvent>, {}, events);

describe('networks read model', () => {
  const started = e('NetworkStarted', {
    networkId: 'n',
    name: 'Kring',
    method: 'PEER_NETWORK',
    municipality: 'Baarn',
    purpose: 'p',
    funding: 'SUBSIDIE',
    cadenceWeeks: 1,
    startedOn: '2024-01-01',
  });
  const join = (participantId: string, joinedOn: string, role = 'PARTICIPANT') =>
    e('ParticipantJoined', { networkId: 'n', participantId, role, joinedOn });

  it('Given joins, a meeting with an absence and its follow-up, Then members count attendance and open absences', () => {
    const tables = given(networksProjection, [
      started,
      join('a', '2024-01-02'),
      join('b', '2024-01-02'),
      e('MeetingHeld', {
        networkId: 'n',
        meetingId: 'm1',
        heldOn: '2024-01-08',
        activity: 'x',
        attended: ['a'],
        absent: ['b'],
        sequence: 1,
      }),
      e('MeetingHeld', {
        networkId: 'n',
        meetingId: 'm2',
        heldOn: '2024-01-15',
        activity: 'x',
        attended: ['a'],
        absent: ['b'],
        sequence: 2,
      }),
      e('AbsenceFollowedUp', {
        networkId: 'n',
        meetingId: 'm1',
        participantId: 'b',
        followedUpBy: 'c',
        personal: { subjectId: 'b', outcome: 'ziek' },
      }),
    ]);
    expect(tables.networks.get('n')).toMatchObject({ meetingsHeld: 2, absencesAwaitingFollowUp: 1 });
    expect(tables.members.get('n/a')).toMatchObject({ meetingsAttended: 2, meetingsMissedInARow: 0 });
    expect(tables.members.get('n/b')).toMatchObject({ meetingsAttended: 0, meetingsMissedInARow: 2 });
  });

  it('Given a member who leaves and rejoins, Then both stints count in growth, and three falling periods mean shrinking', () => {
    const tables = given(networksProjection, [
      started,
      join('a', '2024-01-02'),
      join('b', '2024-01-02'),
      join('c', '2024-01-02'),
      join('d', '2024-01-02', 'PROFESSIONAL'),
      e('ParticipantLeft', { networkId: 'n', participantId: 'a', leftOn: '2024-02-10', personal: { subjectId: 'a', reason: 'r' } }),
      e('ParticipantLeft', { networkId: 'n', participantId: 'b', leftOn: '2024-03-10', personal: { subjectId: 'b', reason: 'r' } }),
      join('a', '2024-05-01'),
    ]);
    const members = [...tables.members.values()] as MemberDoc[];
    const points = growthOf({
      members,
      meetings: [] as MeetingDoc[],
      contacts: [],
      interval: 'MONTH',
      from: '2024-01-01',
      to: '2024-05-31',
    });
    expect(points.map((p) => [p.periodStart, p.size, p.joined, p.left])).toEqual([
      ['2024-01-01', 3, 3, 0],
      ['2024-02-01', 2, 0, 1],
      ['2024-03-01', 1, 0, 1],
      ['2024-04-01', 1, 0, 0],
      ['2024-05-01', 2, 1, 0],
    ]);
    expect(isShrinking(points.slice(0, 3))).toBe(true);
    expect(isShrinking(points)).toBe(false);
  });

  it('Given a participant registered, Then their sealed name is kept; once forgotten, no name at all', () => {
    const registered = given(networksProjection, [
      e('ParticipantRegistered', {
        participantId: 'p',
        municipality: 'Baarn',
        consentToEvaluation: true,
        personal: { subjectId: 'p', displayName: 'ks1.sealed-name' },
      }),
    ]);
    expect(registered.people.get('p')).toEqual({ displayName: 'ks1.sealed-name', forgotten: false });
    const forgotten = applyEvents(networksProjection as ProjectionDefinition<ProjectedEvent>, registered, [
      e('ParticipantForgotten', { participantId: 'p', personal: { subjectId: 'p', reason: 'ks1.erased' } }),
    ]);
    expect(forgotten.people.get('p')).toEqual({ displayName: null, forgotten: true });
  });
});

describe('care read model', () => {
  it('Given support set, scaled down and up, Then the timeline lists each change with its direction', () => {
    const tables = given(careProjection, [
      e('ParticipantRegistered', {
        participantId: 'p',
        municipality: 'Zwolle',
        consentToEvaluation: true,
        personal: { subjectId: 'p', displayName: 'G' },
      }),
      e('IndividualSupportSet', { participantId: 'p', everyWeeks: 1, on: '2024-01-01', setBy: 'c' }),
      e('SupportScaledDown', {
        participantId: 'p',
        fromEveryWeeks: 1,
        toEveryWeeks: 4,
        on: '2024-02-01',
        personal: { subjectId: 'p', reason: 'netwerk' },
      }),
      e('SupportScaledUp', {
        participantId: 'p',
        fromEveryWeeks: 4,
        toEveryWeeks: 2,
        on: '2024-03-01',
        personal: { subjectId: 'p', reason: 'terugval' },
      }),
    ]);
    expect(tables.support.get('p')).toEqual({
      participantId: 'p',
      municipality: 'Zwolle',
      changes: [
        { on: '2024-01-01', fromEveryWeeks: null, toEveryWeeks: 1, direction: 'SET', reason: null },
        { on: '2024-02-01', fromEveryWeeks: 1, toEveryWeeks: 4, direction: 'DOWN', reason: 'netwerk' },
        { on: '2024-03-01', fromEveryWeeks: 4, toEveryWeeks: 2, direction: 'UP', reason: 'terugval' },
      ],
    });
  });
});

describe('referrals read model', () => {
  it('Given a referral and its closing, Then it shows the outcome and the day it closed', () => {
    const tables = given(referralsProjection, [
      e('ReferredToBuddyProgramme', {
        referralId: 'r',
        participantId: 'p',
        programme: 'Humanitas',
        referredOn: '2024-01-01',
        personal: { subjectId: 'p', reason: 'x' },
      }),
      e('ReferralClosed', { referralId: 'r', participantId: 'p', status: 'MATCHED', closedOn: '2024-01-21' }),
    ]);
    expect(tables.referrals.get('r')).toEqual({
      id: 'r',
      participantId: 'p',
      programme: 'Humanitas',
      status: 'MATCHED',
      referredOn: '2024-01-01',
      closedOn: '2024-01-21',
    });
  });
});

describe('knowledge read model', () => {
  it('Given information shared and later unshared, Then who knew depends on the instant asked', () => {
    const tables = given(knowledgeProjection, [
      e(
        'InformationShared',
        {
          participantId: 'p',
          sharedWith: ['x', 'y'],
          on: '2024-01-01',
          sharedBy: 'p',
          onBehalf: false,
          personal: sealedTopic('schulden'),
        },
        '2024-01-01T10:00:00.000Z',
      ),
      e(
        'InformationUnshared',
        {
          participantId: 'p',
          from: ['y'],
          on: '2024-02-01',
          unsharedBy: 'p',
          onBehalf: false,
          personal: sealedTopic('schulden'),
        },
        '2024-02-01T10:00:00.000Z',
      ),
    ]);
    const doc = tables.knowledge.get('p') as Parameters<typeof knowersAt>[0];
    expect(knowersAt(doc, hash('schulden'), '2024-01-15T00:00:00Z').map((k) => k.personId)).toEqual(['x', 'y']);
    expect(knowersAt(doc, hash('schulden'), '2024-03-01T00:00:00Z').map((k) => k.personId)).toEqual(['x']);
    expect(knowersAt(doc, hash('schulden'), '2023-12-31T00:00:00Z')).toEqual([]);
    expect(knowersAt(doc, hash('schulden'))).toHaveLength(2);
    expect(Object.keys(doc!.topics)).toEqual([hash('schulden')]);
  });

  it('Given the topic read through the system twice and another topic read, Then the reader knows that topic from the first read (READ_RECORD)', () => {
    const read = (topic: string | undefined, outcome: string, recordedAt: string, actorId = 'auditor') =>
      e(
        'RecordAccessed',
        {
          actorId,
          actorRoles: ['AUDITOR'],
          subjectId: 'p',
          action: 'READ',
          what: 'sharedInformation',
          purpose: 'audit',
          outcome,
          // A topic read after its subject was forgotten is stored erased, without a hash.
          personal: topic === undefined ? { subjectId: 'p', topic: 'ks1.erased' } : sealedTopic(topic),
        },
        recordedAt,
      );
    const tables = given(knowledgeProjection, [
      read('schulden', 'SUCCESS', '2024-01-01T10:00:00.000Z'),
      read('schulden', 'SUCCESS', '2024-02-01T10:00:00.000Z'),
      read('schulden', 'DENIED', '2024-02-01T10:00:00.000Z', 'nosy'),
      read('verslaving', 'SUCCESS', '2024-03-01T10:00:00.000Z'),
      read(undefined, 'SUCCESS', '2024-04-01T10:00:00.000Z'),
    ]);
    const doc = tables.knowledge.get('p') as Parameters<typeof knowersAt>[0];
    expect(knowersAt(doc, hash('schulden'))).toEqual([
      { personId: 'auditor', source: 'READ_RECORD', since: '2024-01-01T10:00:00.000Z', until: null },
    ]);
    expect(knowersAt(doc, hash('verslaving')).map((k) => k.since)).toEqual(['2024-03-01T10:00:00.000Z']);
    expect(Object.keys(doc!.topics).sort()).toEqual([hash('schulden'), hash('verslaving')]);
  });
});

describe('access log', () => {
  const actor = { id: 'coach-7', roles: ['FACILITATOR'] };

  it('When reads are recorded, Then one RecordAccessed per distinct piece of data and outcome, the topic kept personal', () => {
    const events = recordAccess({
      actor,
      purpose: 'care',
      reads: [
        { subjectId: 'p', what: 'Network.members.displayName', outcome: 'SUCCESS' },
        { subjectId: 'p', what: 'Network.members.displayName', outcome: 'SUCCESS' },
        { subjectId: 'p', what: 'sharedInformation', topic: 'schulden', outcome: 'DENIED' },
      ],
    });
    expect(events).toEqual([
      {
        type: 'RecordAccessed',
        data: {
          actorId: 'coach-7',
          actorRoles: ['FACILITATOR'],
          subjectId: 'p',
          action: 'READ',
          what: 'Network.members.displayName',
          purpose: 'care',
          outcome: 'SUCCESS',
          personal: { subjectId: 'p' },
        },
      },
      {
        type: 'RecordAccessed',
        data: {
          actorId: 'coach-7',
          actorRoles: ['FACILITATOR'],
          subjectId: 'p',
          action: 'READ',
          what: 'sharedInformation',
          purpose: 'care',
          outcome: 'DENIED',
          personal: { subjectId: 'p', topic: 'schulden' },
        },
      },
    ]);
  });

  it('When a read has no purpose or names no one, Then it is refused', () => {
    expect(() => recordAccess({ actor, purpose: ' ', reads: [{ subjectId: 'p', what: 'x', outcome: 'SUCCESS' }] })).toThrow(/purpose/);
    expect(() => recordAccess({ actor, purpose: 'care', reads: [{ subjectId: '', what: 'x', outcome: 'SUCCESS' }] })).toThrow(/whose data/);
  });

  it('Given reads and changes of a person, Then entries with actor, action and purpose, filtered by instant', () => {
    const withMetadata = (event: ReturnType<typeof e>, metadata: Record<string, unknown>) => ({ ...event, metadata });
    const [registered, readEvent, joined, forgotten] = [
      withMetadata(
        e(
          'ParticipantRegistered',
          { participantId: 'p', municipality: 'Zwolle', consentToEvaluation: true, personal: { subjectId: 'p', displayName: 'Ina' } },
          '2024-01-01T00:00:00.000Z',
        ),
        { actorId: 'coach-1', actorRoles: ['FACILITATOR'], purpose: 'care', commandType: 'RegisterParticipant' },
      ),
      e(
        'RecordAccessed',
        {
          actorId: 'coach-7',
          actorRoles: ['FACILITATOR'],
          subjectId: 'p',
          action: 'READ',
          what: 'careTimeline',
          purpose: 'care',
          outcome: 'SUCCESS',
          personal: { subjectId: 'p' },
        },
        '2024-01-02T00:00:00.000Z',
      ),
      withMetadata(
        e(
          'ParticipantJoined',
          { networkId: 'n', participantId: 'p', role: 'PARTICIPANT', joinedOn: '2024-01-03' },
          '2024-01-03T00:00:00.000Z',
        ),
        {
          actorId: 'coach-1',
          commandType: 'JoinNetwork',
        },
      ),
      withMetadata(
        e('ParticipantForgotten', { participantId: 'p', personal: { subjectId: 'p', reason: 'ks1.erased' } }, '2024-01-04T00:00:00.000Z'),
        { actorId: 'dpo', source: 'kring-api@host-1' },
      ),
    ];
    const tables = given(accessProjection, [
      registered,
      readEvent,
      joined,
      forgotten,
      e('MeetingHeld', { networkId: 'n', attended: ['p'] }),
    ]);
    const entries = [...tables.entries.values()] as AccessEntryDoc[];
    expect(accessEntriesBetween(entries).map((x) => [x.action, x.what, x.actorId, x.purpose])).toEqual([
      ['CREATE', 'ParticipantRegistered', 'coach-1', 'care'],
      ['READ', 'careTimeline', 'coach-7', 'care'],
      ['UPDATE', 'ParticipantJoined', 'coach-1', 'JoinNetwork'],
      ['ERASE', 'ParticipantForgotten', 'dpo', 'unrecorded'],
    ]);
    expect(accessEntriesBetween(entries, '2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z').map((x) => x.what)).toEqual([
      'careTimeline',
      'ParticipantJoined',
    ]);
    // NEN 7513: the event's id and place in the log, the action code, and the system that recorded it.
    expect(entries.find((x) => x.what === 'ParticipantForgotten')).toEqual({
      id: forgotten.id,
      position: Number(forgotten.position),
      at: '2024-01-04T00:00:00.000Z',
      actorId: 'dpo',
      actorRoles: [],
      subjectId: 'p',
      action: 'ERASE',
      actionCode: 'D',
      what: 'ParticipantForgotten',
      purpose: 'unrecorded',
      outcome: 'SUCCESS',
      sourceSystem: 'kring-api@host-1',
    });
    expect(entries.map((x) => x.actionCode)).toEqual(['C', 'R', 'U', 'D']);
  });

  it('When a command is refused, Then its record says what it would have done, DENIED', () => {
    const [refused] = recordAccess({
      actor,
      purpose: 'care',
      reads: [{ subjectId: 'p', what: 'forgetParticipant', action: 'ERASE', outcome: 'DENIED' }],
    });
    expect(refused.data).toMatchObject({ action: 'ERASE', what: 'forgetParticipant', outcome: 'DENIED' });
    const entry = [...given(accessProjection, [e('RecordAccessed', refused.data)]).entries.values()][0];
    expect(entry).toMatchObject({ action: 'ERASE', actionCode: 'D', outcome: 'DENIED', sourceSystem: 'unrecorded' });
  });
});

describe('figures over many documents', () => {
  const care = (changes: Array<[number | null, number]>) => ({
    participantId: 'p',
    municipality: 'Zwolle',
    changes: changes.map(([fromEveryWeeks, toEveryWeeks]) => ({
      on: '2024-01-01',
      fromEveryWeeks,
      toEveryWeeks,
      direction: 'SET' as const,
      reason: null,
    })),
  });

  it('scaleDownSummaryOf counts participants scaled down or up against their first frequency, and the contacts saved', () => {
    expect(
      scaleDownSummaryOf([
        care([
          [null, 1],
          [1, 4],
        ]),
        care([
          [null, 2],
          [2, 1],
        ]),
        care([[null, 2]]),
        care([]),
      ]),
    ).toEqual({
      participantsWithSupport: 3,
      scaledDown: 1,
      scaledUp: 1,
      contactsPerYearSaved: 52 - 13 + (26 - 52),
    });
  });

  it('referralSummaryOf groups by programme and takes the median days to a match (middle pair averaged)', () => {
    const referral = (programme: string, status: 'OPEN' | 'MATCHED' | 'DECLINED', closedOn: string | null) =>
      ({ id: 'r', participantId: 'p', programme, status, referredOn: '2024-01-01', closedOn }) as const;
    expect(
      referralSummaryOf([
        referral('B', 'MATCHED', '2024-01-11'),
        referral('B', 'MATCHED', '2024-01-31'),
        referral('B', 'DECLINED', '2024-01-05'),
        referral('A', 'OPEN', null),
      ]),
    ).toEqual([
      { programme: 'A', open: 1, matched: 0, declined: 0, ended: 0, medianDaysToMatch: null },
      { programme: 'B', open: 0, matched: 2, declined: 1, ended: 0, medianDaysToMatch: 20 },
    ]);
  });

  it('periods: weeks start on Monday, months on the first; counting and stepping back agree', () => {
    expect(periodsBack('2024-03-15', 'MONTH', 2)).toBe('2024-01-01');
    expect(periodsBack('2024-03-15', 'WEEK', 1)).toBe('2024-03-04');
    expect(countPeriods('2024-01-31', '2024-03-01', 'MONTH', 100)).toBe(3);
    expect(countPeriods('2000-01-01', '2099-12-31', 'WEEK', 10)).toBe(11);
  });
});
