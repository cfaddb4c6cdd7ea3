import type { NetworkStanding } from '../shared/standing';
import type { Actor } from '../shared/decider';
import { given } from '../shared/testing';
import { ParticipantCommand, participantDecider, SharingCircle } from './decide';
import { ParticipantEvent, subjectsErasedBy } from './events';

const self: Actor = { id: 'p1', roles: [] };
const coach = { id: 'coach-1', roles: ['FACILITATOR'] };
const evaluator = { id: 'eva', roles: ['EVALUATOR'] };

const registered: ParticipantEvent = {
  type: 'ParticipantRegistered',
  data: { participantId: 'p1', municipality: 'Baarn', consentToEvaluation: true, personal: { subjectId: 'p1', displayName: 'Monique' } },
};
const supportSet: ParticipantEvent = {
  type: 'IndividualSupportSet',
  data: { participantId: 'p1', everyWeeks: 1, on: '2024-01-01', setBy: 'coach-1' },
};
const forgotten: ParticipantEvent = {
  type: 'ParticipantForgotten',
  // Sealed for the person, whose key is destroyed before it is stored: the reason goes with them.
  data: { participantId: 'p1', personal: { subjectId: 'p1', reason: 'AVG art. 17 verzoek' } },
};
const shared = (sharedWith: string[], topic = 'schulden'): ParticipantEvent => ({
  type: 'InformationShared',
  data: { participantId: 'p1', sharedWith, on: '2024-02-01', sharedBy: 'p1', onBehalf: false, personal: { subjectId: 'p1', topic } },
});
const question: ParticipantEvent = {
  type: 'HelpQuestionRegistered',
  data: { participantId: 'p1', questionId: 'q1', on: '2024-01-01', personal: { subjectId: 'p1', question: 'samen wonen' } },
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
      given(participantDecider).when(register).then([registered]);
    });
    it('refuses registering the same id twice', () => {
      given(participantDecider, [registered])
        .when(register)
        .thenRefused('CONFLICT', /already registered/);
    });
    it('answers NOT_FOUND for commands on an unregistered participant', () => {
      given(participantDecider).when({ type: 'ForgetParticipant', reason: 'x' }).thenRefused('NOT_FOUND');
    });
  });

  describe('individual support', () => {
    it('sets the frequency of individual contact once, recording who set it', () => {
      given(participantDecider, [registered])
        .when({ type: 'SetIndividualSupport', everyWeeks: 1, on: '2024-01-01', actor: coach })
        .then([supportSet]);
      given(participantDecider, [registered, supportSet])
        .when({
          type: 'SetIndividualSupport',
          everyWeeks: 2,
          on: '2024-02-01',
          actor: coach,
        })
        .thenRefused('CONFLICT', /already set.*scaleDownSupport or scaleUpSupport/);
    });
    it('scales down to less frequent contact (weekly to once every three weeks)', () => {
      given(participantDecider, [registered, supportSet])
        .when(scale('ScaleDownSupport', 3))
        .then([
          {
            type: 'SupportScaledDown',
            data: {
              participantId: 'p1',
              fromEveryWeeks: 1,
              toEveryWeeks: 3,
              on: '2024-03-01',
              personal: { subjectId: 'p1', reason: 'netwerk draagt' },
            },
          },
        ]);
    });
    it('refuses a scale-down that does not lower the frequency', () => {
      given(participantDecider, [registered, supportSet])
        .when(scale('ScaleDownSupport', 1))
        .thenRefused('CONFLICT', /must exceed the current 1/);
    });
    it('scales up to more frequent contact, and refuses one that does not raise it', () => {
      const down: ParticipantEvent = {
        type: 'SupportScaledDown',
        data: { participantId: 'p1', fromEveryWeeks: 1, toEveryWeeks: 3, on: '2024-03-01', personal: { subjectId: 'p1', reason: 'x' } },
      };
      given(participantDecider, [registered, supportSet, down])
        .when(scale('ScaleUpSupport', 2, '2024-04-01'))
        .then([
          {
            type: 'SupportScaledUp',
            data: {
              participantId: 'p1',
              fromEveryWeeks: 3,
              toEveryWeeks: 2,
              on: '2024-04-01',
              personal: { subjectId: 'p1', reason: 'netwerk draagt' },
            },
          },
        ]);
      given(participantDecider, [registered, supportSet, down])
        .when(scale('ScaleUpSupport', 3, '2024-04-01'))
        .thenRefused('CONFLICT', /must be below the current 3/);
    });
    it('refuses scaling before support was set', () => {
      given(participantDecider, [registered])
        .when(scale('ScaleDownSupport', 3))
        .thenRefused('CONFLICT', /has not been set/);
      given(participantDecider, [registered])
        .when(scale('ScaleUpSupport', 1))
        .thenRefused('CONFLICT', /has not been set/);
    });
    it('refuses a change dated before the last one', () => {
      given(participantDecider, [registered, supportSet])
        .when(scale('ScaleDownSupport', 3, '2023-12-01'))
        .thenRefused('CONFLICT', /precedes the last support change/);
    });
  });

  describe('talents, core questions and help questions', () => {
    it('records a talent once', () => {
      const talent: ParticipantCommand = { type: 'RecordTalent', talent: 'Wandelroutes maken', on: '2024-01-01' };
      const recorded: ParticipantEvent = {
        type: 'TalentRecorded',
        data: { participantId: 'p1', on: '2024-01-01', personal: { subjectId: 'p1', talent: 'Wandelroutes maken' } },
      };
      given(participantDecider, [registered]).when(talent).then([recorded]);
      given(participantDecider, [registered, recorded])
        .when({ ...talent, talent: 'wandelroutes maken ' })
        .thenRefused('CONFLICT', /already recorded/);
    });
    it('records the three core questions as the resident’s own words', () => {
      given(participantDecider, [registered])
        .when({
          type: 'AnswerCoreQuestions',
          want: 'weer werken',
          can: 'koken',
          need: 'hulp bij post',
          on: '2024-01-01',
        })
        .then([
          {
            type: 'CoreQuestionsAnswered',
            data: {
              participantId: 'p1',
              on: '2024-01-01',
              personal: { subjectId: 'p1', want: 'weer werken', can: 'koken', need: 'hulp bij post' },
            },
          },
        ]);
    });
    const group = (method: 'QUESTION_GROUP' | 'PEER_NETWORK', status: 'open' | 'closed' = 'open'): NetworkStanding => ({ status, method });
    const bundle = (network: NetworkStanding, questionId = 'q1'): ParticipantCommand => ({
      type: 'BundleHelpQuestion',
      questionId,
      networkId: 'g1',
      on: '2024-02-01',
      network,
    });
    it('bundles a help question into an open question group, once', () => {
      const bundled: ParticipantEvent = {
        type: 'HelpQuestionBundled',
        data: { participantId: 'p1', questionId: 'q1', networkId: 'g1', on: '2024-02-01' },
      };
      given(participantDecider, [registered, question])
        .when(bundle(group('QUESTION_GROUP')))
        .then([bundled]);
      given(participantDecider, [registered, question, bundled])
        .when(bundle(group('QUESTION_GROUP')))
        .thenRefused('CONFLICT', /already bundled/);
    });
    it('bundles only into question groups that are open, and only known questions', () => {
      given(participantDecider, [registered, question])
        .when(bundle(group('PEER_NETWORK')))
        .thenRefused('CONFLICT', /question groups \(vraaggroepen\) only/);
      given(participantDecider, [registered, question])
        .when(bundle(group('QUESTION_GROUP', 'closed')))
        .thenRefused('CONFLICT', /closed/);
      given(participantDecider, [registered, question])
        .when(bundle({ status: 'unknown' }))
        .thenRefused('NOT_FOUND');
      given(participantDecider, [registered])
        .when(bundle(group('QUESTION_GROUP')))
        .thenRefused('NOT_FOUND');
    });
    it('refuses registering the same help question twice', () => {
      given(participantDecider, [registered, question])
        .when({
          type: 'RegisterHelpQuestion',
          questionId: 'q1',
          question: 'x',
          on: '2024-01-01',
        })
        .thenRefused('CONFLICT', /already registered/);
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
      given(participantDecider, [registered])
        .when(outcome('DJG6', 4))
        .then([
          {
            type: 'OutcomeMeasured',
            data: { participantId: 'p1', instrument: 'DJG6', score: 4, measuredOn: '2024-06-01' },
          },
        ]);
    });
    it('refuses scores outside the instrument’s range, and instruments not on the list exactly as written, as bad input', () => {
      for (const [instrument, score] of [
        ['DJG6', 7],
        ['DJG6', 2.5],
        ['ZRM', 0.5],
        ['ZRM', Number.POSITIVE_INFINITY],
      ] as const)
        given(participantDecider, [registered]).when(outcome(instrument, score)).thenRefused('INVALID', /score/, 'score');
      for (const unknown of ['djg6', 'DJG6 ', 'eigen vragenlijst', 'toString'])
        given(participantDecider, [registered])
          .when(outcome(unknown, 2))
          .thenRefused('INVALID', /instrument/, 'instrument');
      given(participantDecider, [registered])
        .when(outcome('ZRM', 3.4))
        .then([
          {
            type: 'OutcomeMeasured',
            data: { participantId: 'p1', instrument: 'ZRM', score: 3.4, measuredOn: '2024-06-01' },
          },
        ]);
    });
  });

  describe('consent', () => {
    it('starts with consent to evaluation when given at registration, and withdraws it', () => {
      const withdraw: ParticipantCommand = { type: 'WithdrawConsent', purpose: 'evaluation', on: '2024-05-01' };
      const withdrawn: ParticipantEvent = {
        type: 'ConsentWithdrawn',
        data: { participantId: 'p1', purpose: 'evaluation', on: '2024-05-01' },
      };
      given(participantDecider, [registered]).when(withdraw).then([withdrawn]);
      given(participantDecider, [registered, withdrawn])
        .when(withdraw)
        .thenRefused('CONFLICT', /no consent for evaluation/);
      given(participantDecider, [registered, withdrawn])
        .when({ type: 'GiveConsent', purpose: 'evaluation', on: '2024-06-01' })
        .then([{ type: 'ConsentGiven', data: { participantId: 'p1', purpose: 'evaluation', on: '2024-06-01' } }]);
    });
    it('refuses giving a consent that is already given', () => {
      given(participantDecider, [registered])
        .when({ type: 'GiveConsent', purpose: 'evaluation', on: '2024-06-01' })
        .thenRefused('CONFLICT', /already given/);
    });
  });

  describe('shared information', () => {
    it('lets the participant share a topic with members of their networks', () => {
      given(participantDecider, [registered])
        .when(share(['p2', 'coach-1'], self, 'schulden'))
        .then([shared(['p2', 'coach-1'])]);
    });
    it('lets staff record sharing on the participant’s behalf', () => {
      const onBehalf = shared(['p2'], 'Schulden');
      given(participantDecider, [registered])
        .when(share(['p2'], coach))
        .then([{ ...onBehalf, data: { ...onBehalf.data, sharedBy: 'coach-1', onBehalf: true } } as ParticipantEvent]);
    });
    it('refuses sharing by anyone else', () => {
      given(participantDecider, [registered])
        .when(share(['p2'], evaluator))
        .thenRefused('CONFLICT', /only be shared or unshared by the participant/);
    });
    it('refuses sharing with people outside the participant’s networks, or with themselves', () => {
      given(participantDecider, [registered])
        .when(share(['p2', 'stranger']))
        .thenRefused('CONFLICT', /not with stranger/);
      given(participantDecider, [registered])
        .when(share(['p1']))
        .thenRefused('CONFLICT', /themselves/);
    });
    it('refuses sharing a topic again with someone who already knows (topics compare without case)', () => {
      given(participantDecider, [registered, shared(['p2'])])
        .when(share(['p2', 'p3']))
        .thenRefused('CONFLICT', /Already shared with p2/);
    });
    it('unshares from people who know, and only from them', () => {
      given(participantDecider, [registered, shared(['p2', 'p3'])])
        .when(unshare(['p2']))
        .then([
          {
            type: 'InformationUnshared',
            data: {
              participantId: 'p1',
              from: ['p2'],
              on: '2024-03-01',
              unsharedBy: 'p1',
              onBehalf: false,
              personal: { subjectId: 'p1', topic: 'schulden' },
            },
          },
        ]);
      given(participantDecider, [registered, shared(['p2'])])
        .when(unshare(['p3']))
        .thenRefused('CONFLICT', /not shared with p3/);
      given(participantDecider, [registered, shared(['p2'])])
        .when(unshare(['p2'], evaluator))
        .thenRefused('CONFLICT', /only be shared or unshared/);
    });
  });

  describe('forgetting', () => {
    it('forgets a participant, who then accepts no more commands', () => {
      given(participantDecider, [registered]).when({ type: 'ForgetParticipant', reason: 'AVG art. 17 verzoek' }).then([forgotten]);
      expect(subjectsErasedBy(forgotten)).toEqual(['p1']);
      expect(subjectsErasedBy(supportSet)).toEqual([]);
      given(participantDecider, [registered, forgotten])
        .when({ type: 'ForgetParticipant', reason: 'again' })
        .thenRefused('CONFLICT', /forgotten/);
      given(participantDecider, [registered, forgotten])
        .when(share(['p2']))
        .thenRefused('CONFLICT', /forgotten/);
      given(participantDecider, [registered, supportSet, forgotten])
        .when(scale('ScaleDownSupport', 3))
        .thenRefused('CONFLICT', /forgotten/);
    });
  });
});
