import type { NetworkState } from '../network/decide';
import type { Actor } from '../shared/decider';
import { given } from '../shared/testing';
import { ParticipantCommand, participantDecider, SharingCircle } from './decide';
import { ParticipantEvent, subjectsErasedBy } from './events';

const self: Actor = { id: 'p1', roles: [] };
const coach = { id: 'coach-1', roles: ['FACILITATOR'] };
const evaluator = { id: 'eva', roles: ['EVALUATOR'] };

const registered: ParticipantEvent = {
  type: 'ParticipantRegistered',
  data: { participantId: 'p1', municipality: 'Baarn', consentToEvaluation: true },
  personal: { subjectId: 'p1', displayName: 'Monique' },
};
const supportSet: ParticipantEvent = {
  type: 'IndividualSupportSet',
  data: { participantId: 'p1', everyWeeks: 1, on: '2024-01-01', setBy: 'coach-1' },
  personal: undefined,
};
const forgotten: ParticipantEvent = {
  type: 'ParticipantForgotten',
  data: { participantId: 'p1' },
  // Sealed for the person, whose key is destroyed before it is stored: the reason goes with them.
  personal: { subjectId: 'p1', reason: 'AVG art. 17 verzoek' },
};
const shared = (sharedWith: string[], topic = 'schulden'): ParticipantEvent => ({
  type: 'InformationShared',
  data: { participantId: 'p1', sharedWith, on: '2024-02-01', sharedBy: 'p1', onBehalf: false },
  personal: { subjectId: 'p1', topic },
});
const question: ParticipantEvent = {
  type: 'HelpQuestionRegistered',
  data: { participantId: 'p1', questionId: 'q1', on: '2024-01-01' },
  personal: { subjectId: 'p1', question: 'samen wonen' },
};

const circle: SharingCircle = { members: new Set(['p2', 'p3']), staff: new Set(['coach-1']) };
const share = (sharedWith: string[], actor = self, topic = 'Schulden'): ParticipantCommand => ({
  type: 'ShareInformation',
  topic,
  sharedWith,
  on: '2024-02-01',
  actor,
  circle,
});
const unshare = (from: string[], actor = self): ParticipantCommand => ({
  type: 'UnshareInformation',
  topic: 'schulden',
  from,
  on: '2024-03-01',
  actor,
});
const scale = (type: 'ScaleDownSupport' | 'ScaleUpSupport', toEveryWeeks: number, on = '2024-03-01'): ParticipantCommand => ({
  type,
  toEveryWeeks,
  reason: 'netwerk draagt',
  on,
});
const conflict = (message: RegExp) => ({ refused: { kind: 'CONFLICT', message: expect.stringMatching(message) } });

describe('Participant decider', () => {
  describe('registration', () => {
    const register: ParticipantCommand = {
      type: 'RegisterParticipant',
      participantId: 'p1',
      displayName: 'Monique',
      municipality: 'Baarn',
      consentToEvaluation: true,
    };
    it('registers a participant, the name kept as personal data', () => {
      expect(given(participantDecider).when(register)).toEqual({ events: [registered] });
    });
    it('refuses registering the same id twice', () => {
      expect(given(participantDecider, [registered]).when(register)).toEqual(conflict(/already registered/));
    });
    it('answers NOT_FOUND for commands on an unregistered participant', () => {
      expect(given(participantDecider).when({ type: 'ForgetParticipant', reason: 'x' })).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    });
  });

  describe('individual support', () => {
    it('sets the frequency of individual contact once, recording who set it', () => {
      expect(
        given(participantDecider, [registered]).when({ type: 'SetIndividualSupport', everyWeeks: 1, on: '2024-01-01', actor: coach }),
      ).toEqual({ events: [supportSet] });
      expect(
        given(participantDecider, [registered, supportSet]).when({
          type: 'SetIndividualSupport',
          everyWeeks: 2,
          on: '2024-02-01',
          actor: coach,
        }),
      ).toEqual(conflict(/already set.*scaleDownSupport or scaleUpSupport/));
    });
    it('scales down to less frequent contact (weekly to once every three weeks)', () => {
      expect(given(participantDecider, [registered, supportSet]).when(scale('ScaleDownSupport', 3))).toEqual({
        events: [
          {
            type: 'SupportScaledDown',
            data: { participantId: 'p1', fromEveryWeeks: 1, toEveryWeeks: 3, on: '2024-03-01' },
            personal: { subjectId: 'p1', reason: 'netwerk draagt' },
          },
        ],
      });
    });
    it('refuses a scale-down that does not lower the frequency', () => {
      expect(given(participantDecider, [registered, supportSet]).when(scale('ScaleDownSupport', 1))).toEqual(
        conflict(/must exceed the current 1/),
      );
    });
    it('scales up to more frequent contact, and refuses one that does not raise it', () => {
      const down: ParticipantEvent = {
        type: 'SupportScaledDown',
        data: { participantId: 'p1', fromEveryWeeks: 1, toEveryWeeks: 3, on: '2024-03-01' },
        personal: { subjectId: 'p1', reason: 'x' },
      };
      expect(given(participantDecider, [registered, supportSet, down]).when(scale('ScaleUpSupport', 2, '2024-04-01'))).toMatchObject({
        events: [{ type: 'SupportScaledUp', data: { fromEveryWeeks: 3, toEveryWeeks: 2 } }],
      });
      expect(given(participantDecider, [registered, supportSet, down]).when(scale('ScaleUpSupport', 3, '2024-04-01'))).toEqual(
        conflict(/must be below the current 3/),
      );
    });
    it('refuses scaling before support was set', () => {
      expect(given(participantDecider, [registered]).when(scale('ScaleDownSupport', 3))).toEqual(conflict(/has not been set/));
      expect(given(participantDecider, [registered]).when(scale('ScaleUpSupport', 1))).toEqual(conflict(/has not been set/));
    });
    it('refuses a change dated before the last one', () => {
      expect(given(participantDecider, [registered, supportSet]).when(scale('ScaleDownSupport', 3, '2023-12-01'))).toEqual(
        conflict(/precedes the last support change/),
      );
    });
  });

  describe('talents, core questions and help questions', () => {
    it('records a talent once', () => {
      const talent: ParticipantCommand = { type: 'RecordTalent', talent: 'Wandelroutes maken', on: '2024-01-01' };
      const [recorded] = (given(participantDecider, [registered]).when(talent) as { events: ParticipantEvent[] }).events;
      expect(recorded).toEqual({
        type: 'TalentRecorded',
        data: { participantId: 'p1', on: '2024-01-01' },
        personal: { subjectId: 'p1', talent: 'Wandelroutes maken' },
      });
      expect(given(participantDecider, [registered, recorded]).when({ ...talent, talent: 'wandelroutes maken ' })).toEqual(
        conflict(/already recorded/),
      );
    });
    it('records the three core questions as the resident’s own words', () => {
      expect(
        given(participantDecider, [registered]).when({
          type: 'AnswerCoreQuestions',
          want: 'weer werken',
          can: 'koken',
          need: 'hulp bij post',
          on: '2024-01-01',
        }),
      ).toEqual({
        events: [
          {
            type: 'CoreQuestionsAnswered',
            data: { participantId: 'p1', on: '2024-01-01' },
            personal: { subjectId: 'p1', want: 'weer werken', can: 'koken', need: 'hulp bij post' },
          },
        ],
      });
    });
    const group = (method: 'QUESTION_GROUP' | 'PEER_NETWORK', status: 'open' | 'closed' = 'open'): NetworkState => ({
      status,
      networkId: 'g1',
      method,
      startedOn: '2024-01-01',
      facilitators: [],
      members: new Map(),
      meetings: new Map(),
      agreements: new Map(),
    });
    const bundle = (network: NetworkState, questionId = 'q1'): ParticipantCommand => ({
      type: 'BundleHelpQuestion',
      questionId,
      networkId: 'g1',
      on: '2024-02-01',
      network,
    });
    it('bundles a help question into an open question group, once', () => {
      const [bundled] = (
        given(participantDecider, [registered, question]).when(bundle(group('QUESTION_GROUP'))) as { events: ParticipantEvent[] }
      ).events;
      expect(bundled).toEqual({
        type: 'HelpQuestionBundled',
        data: { participantId: 'p1', questionId: 'q1', networkId: 'g1', on: '2024-02-01' },
        personal: undefined,
      });
      expect(given(participantDecider, [registered, question, bundled]).when(bundle(group('QUESTION_GROUP')))).toEqual(
        conflict(/already bundled/),
      );
    });
    it('bundles only into question groups that are open, and only known questions', () => {
      expect(given(participantDecider, [registered, question]).when(bundle(group('PEER_NETWORK')))).toEqual(
        conflict(/question groups \(vraaggroepen\) only/),
      );
      expect(given(participantDecider, [registered, question]).when(bundle(group('QUESTION_GROUP', 'closed')))).toEqual(conflict(/closed/));
      expect(given(participantDecider, [registered, question]).when(bundle({ status: 'unknown' }))).toMatchObject({
        refused: { kind: 'NOT_FOUND' },
      });
      expect(given(participantDecider, [registered]).when(bundle(group('QUESTION_GROUP')))).toMatchObject({
        refused: { kind: 'NOT_FOUND' },
      });
    });
    it('refuses registering the same help question twice', () => {
      expect(
        given(participantDecider, [registered, question]).when({
          type: 'RegisterHelpQuestion',
          questionId: 'q1',
          question: 'x',
          on: '2024-01-01',
        }),
      ).toEqual(conflict(/already registered/));
    });
  });

  describe('outcomes', () => {
    const outcome = (instrument: string, score: number): ParticipantCommand => ({
      type: 'RecordOutcome',
      instrument,
      score,
      measuredOn: '2024-06-01',
    });
    it('records a loneliness score on the De Jong Gierveld scale', () => {
      expect(given(participantDecider, [registered]).when(outcome('DJG6', 4))).toEqual({
        events: [
          {
            type: 'OutcomeMeasured',
            data: { participantId: 'p1', instrument: 'DJG6', score: 4, measuredOn: '2024-06-01' },
            personal: undefined,
          },
        ],
      });
    });
    it('refuses scores outside the instrument’s range, and instruments not on the list exactly as written, as bad input', () => {
      const refusedOn = (field: string) => ({ refused: { kind: 'INVALID', field, message: expect.any(String) } });
      expect(given(participantDecider, [registered]).when(outcome('DJG6', 7))).toEqual(refusedOn('score'));
      expect(given(participantDecider, [registered]).when(outcome('DJG6', 2.5))).toEqual(refusedOn('score'));
      expect(given(participantDecider, [registered]).when(outcome('ZRM', 0.5))).toEqual(refusedOn('score'));
      expect(given(participantDecider, [registered]).when(outcome('ZRM', Number.POSITIVE_INFINITY))).toEqual(refusedOn('score'));
      for (const unknown of ['djg6', 'DJG6 ', 'eigen vragenlijst', 'toString'])
        expect(given(participantDecider, [registered]).when(outcome(unknown, 2))).toEqual(refusedOn('instrument'));
      expect(given(participantDecider, [registered]).when(outcome('ZRM', 3.4))).toEqual({
        events: [
          {
            type: 'OutcomeMeasured',
            data: { participantId: 'p1', instrument: 'ZRM', score: 3.4, measuredOn: '2024-06-01' },
            personal: undefined,
          },
        ],
      });
    });
  });

  describe('consent', () => {
    it('starts with consent to evaluation when given at registration, and withdraws it', () => {
      const withdraw: ParticipantCommand = { type: 'WithdrawConsent', purpose: 'evaluation', on: '2024-05-01' };
      const [withdrawn] = (given(participantDecider, [registered]).when(withdraw) as { events: ParticipantEvent[] }).events;
      expect(withdrawn).toEqual({
        type: 'ConsentWithdrawn',
        data: { participantId: 'p1', purpose: 'evaluation', on: '2024-05-01' },
        personal: undefined,
      });
      expect(given(participantDecider, [registered, withdrawn]).when(withdraw)).toEqual(conflict(/no consent for evaluation/));
      expect(
        given(participantDecider, [registered, withdrawn]).when({ type: 'GiveConsent', purpose: 'evaluation', on: '2024-06-01' }),
      ).toHaveProperty('events');
    });
    it('refuses giving a consent that is already given', () => {
      expect(given(participantDecider, [registered]).when({ type: 'GiveConsent', purpose: 'evaluation', on: '2024-06-01' })).toEqual(
        conflict(/already given/),
      );
    });
  });

  describe('shared information', () => {
    it('lets the participant share a topic with members of their networks', () => {
      expect(given(participantDecider, [registered]).when(share(['p2', 'coach-1'], self, 'schulden'))).toEqual({
        events: [shared(['p2', 'coach-1'])],
      });
    });
    it('lets staff record sharing on the participant’s behalf', () => {
      expect(given(participantDecider, [registered]).when(share(['p2'], coach))).toMatchObject({
        events: [{ data: { sharedBy: 'coach-1', onBehalf: true } }],
      });
    });
    it('refuses sharing by anyone else', () => {
      expect(given(participantDecider, [registered]).when(share(['p2'], evaluator))).toEqual(
        conflict(/only be shared or unshared by the participant/),
      );
    });
    it('refuses sharing with people outside the participant’s networks, or with themselves', () => {
      expect(given(participantDecider, [registered]).when(share(['p2', 'stranger']))).toEqual(conflict(/not with stranger/));
      expect(given(participantDecider, [registered]).when(share(['p1']))).toEqual(conflict(/themselves/));
    });
    it('refuses sharing a topic again with someone who already knows (topics compare without case)', () => {
      expect(given(participantDecider, [registered, shared(['p2'])]).when(share(['p2', 'p3']))).toEqual(conflict(/Already shared with p2/));
    });
    it('unshares from people who know, and only from them', () => {
      expect(given(participantDecider, [registered, shared(['p2', 'p3'])]).when(unshare(['p2']))).toEqual({
        events: [
          {
            type: 'InformationUnshared',
            data: { participantId: 'p1', from: ['p2'], on: '2024-03-01', unsharedBy: 'p1', onBehalf: false },
            personal: { subjectId: 'p1', topic: 'schulden' },
          },
        ],
      });
      expect(given(participantDecider, [registered, shared(['p2'])]).when(unshare(['p3']))).toEqual(conflict(/not shared with p3/));
      expect(given(participantDecider, [registered, shared(['p2'])]).when(unshare(['p2'], evaluator))).toEqual(
        conflict(/only be shared or unshared/),
      );
    });
  });

  describe('forgetting', () => {
    it('forgets a participant, who then accepts no more commands', () => {
      expect(given(participantDecider, [registered]).when({ type: 'ForgetParticipant', reason: 'AVG art. 17 verzoek' })).toEqual({
        events: [forgotten],
      });
      expect(subjectsErasedBy(forgotten)).toEqual(['p1']);
      expect(subjectsErasedBy(supportSet)).toEqual([]);
      expect(given(participantDecider, [registered, forgotten]).when({ type: 'ForgetParticipant', reason: 'again' })).toEqual(
        conflict(/forgotten/),
      );
      expect(given(participantDecider, [registered, forgotten]).when(share(['p2']))).toEqual(conflict(/forgotten/));
      expect(given(participantDecider, [registered, supportSet, forgotten]).when(scale('ScaleDownSupport', 3))).toEqual(
        conflict(/forgotten/),
      );
    });
  });
});
