import { given } from '../shared/testing';
import { networkDecider, NetworkCommand } from './decide';
import type { CircleMethod, MemberRole, NetworkEvent } from './events';

const coach = { id: 'coach-1', roles: ['FACILITATOR'] };

const started = (method: CircleMethod = 'PEER_NETWORK', focalParticipantId?: string): NetworkEvent => ({
  type: 'NetworkStarted',
  data: {
    networkId: 'n1',
    name: 'Samen Sterk Baarn',
    method,
    municipality: 'Baarn',
    purpose: 'eenzaamheid bestrijden',
    funding: 'SUBSIDIE',
    cadenceWeeks: 1,
    startedOn: '2024-01-01',
    ...(focalParticipantId ? { focalParticipantId } : {}),
  },
  personal: undefined,
});
const joined = (participantId: string, role: MemberRole = 'PARTICIPANT', joinedOn = '2024-01-02'): NetworkEvent => ({
  type: 'ParticipantJoined',
  data: { networkId: 'n1', participantId, role, joinedOn },
  personal: undefined,
});
const neighbour = (participantId: string): NetworkEvent => ({
  type: 'NeighbourInvolved',
  data: { networkId: 'n1', participantId, involvedOn: '2024-01-03' },
  personal: { subjectId: participantId, offer: 'taalles Nederlands' },
});
const left = (participantId: string): NetworkEvent => ({
  type: 'ParticipantLeft',
  data: { networkId: 'n1', participantId, leftOn: '2024-03-01' },
  personal: { subjectId: participantId, reason: 'verhuisd' },
});
const met = (meetingId: string, attended: string[], absent: string[] = [], sequence = 1): NetworkEvent => ({
  type: 'MeetingHeld',
  data: { networkId: 'n1', meetingId, heldOn: '2024-01-08', attended, absent, sequence },
  personal: { subjectId: 'n1', activity: 'koffie' },
});
const facilitator = (staffId: string, replacesStaffId?: string): NetworkEvent => ({
  type: 'FacilitatorAssigned',
  data: { networkId: 'n1', staffId, ...(replacesStaffId ? { replacesStaffId } : {}) },
  personal: { subjectId: staffId, name: 'Coach' },
});
const closed: NetworkEvent = {
  type: 'NetworkClosed',
  data: { networkId: 'n1', closedOn: '2024-06-01' },
  personal: { subjectId: 'n1', reason: 'project ended' },
};

const peerNetwork = [started(), joined('p1'), joined('p2'), joined('p3')];
const supportCircle = [started('SUPPORT_CIRCLE', 'res'), joined('res', 'PARTICIPANT', '2024-01-01')];

const start = (method: CircleMethod, extra: Partial<Extract<NetworkCommand, { type: 'StartNetwork' }>> = {}): NetworkCommand => ({
  type: 'StartNetwork',
  networkId: 'n1',
  name: 'Samen Sterk Baarn',
  method,
  municipality: 'Baarn',
  purpose: 'eenzaamheid bestrijden',
  funding: 'SUBSIDIE',
  cadenceWeeks: 1,
  startedOn: '2024-01-01',
  ...extra,
});
const join = (participantId: string, extra: Partial<Extract<NetworkCommand, { type: 'JoinNetwork' }>> = {}): NetworkCommand => ({
  type: 'JoinNetwork',
  participantId,
  role: 'PARTICIPANT',
  joinedOn: '2024-01-05',
  participant: 'registered',
  ...extra,
});
const meeting = (
  attended: string[],
  absent: string[] = [],
  extra: Partial<Extract<NetworkCommand, { type: 'RecordMeeting' }>> = {},
): NetworkCommand => ({
  type: 'RecordMeeting',
  meetingId: 'm9',
  heldOn: '2024-01-15',
  activity: 'wandelen',
  attended,
  absent,
  ...extra,
});
const conflict = (message: RegExp | string) => ({ refused: { kind: 'CONFLICT', message: expect.stringMatching(message) } });

describe('Network decider', () => {
  describe('starting a network', () => {
    it('starts a peer network', () => {
      expect(given(networkDecider).when(start('PEER_NETWORK'))).toEqual({ events: [started()] });
    });
    it('refuses to start the same network twice', () => {
      expect(given(networkDecider, [started()]).when(start('PEER_NETWORK'))).toEqual(conflict(/already been started/));
    });
    it('starts a support circle with its resident as the first member', () => {
      expect(given(networkDecider).when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'registered' }))).toEqual({
        events: [started('SUPPORT_CIRCLE', 'res'), joined('res', 'PARTICIPANT', '2024-01-01')],
      });
    });
    it('refuses a support circle without its focal resident', () => {
      expect(given(networkDecider).when(start('SUPPORT_CIRCLE'))).toEqual(conflict(/focalParticipantId is required/));
    });
    it('refuses a support circle around an unregistered or forgotten resident', () => {
      expect(given(networkDecider).when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'unknown' }))).toMatchObject({
        refused: { kind: 'NOT_FOUND' },
      });
      expect(given(networkDecider).when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'forgotten' }))).toEqual(
        conflict(/forgotten/),
      );
    });
    it('refuses a focal resident for the other methods', () => {
      expect(given(networkDecider).when(start('ATELIER', { focalParticipantId: 'res', focal: 'registered' }))).toEqual(
        conflict(/Only a support circle/),
      );
    });
  });

  describe('any command', () => {
    it('is NOT_FOUND on a network that was never started', () => {
      expect(given(networkDecider).when(join('p1'))).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    });
    it('is refused on a closed network', () => {
      expect(given(networkDecider, [...peerNetwork, closed]).when(join('p9'))).toEqual(conflict(/closed/));
    });
  });

  describe('facilitators', () => {
    it('assigns a network coach', () => {
      expect(given(networkDecider, peerNetwork).when({ type: 'AssignFacilitator', staffId: 'coach-1', name: 'Coach' })).toEqual({
        events: [facilitator('coach-1')],
      });
    });
    it('replaces the one coach of a peer network, support circle or atelier', () => {
      expect(
        given(networkDecider, [...peerNetwork, facilitator('coach-1')]).when({
          type: 'AssignFacilitator',
          staffId: 'coach-2',
          name: 'Coach',
        }),
      ).toEqual({
        events: [facilitator('coach-2', 'coach-1')],
      });
    });
    it('adds a second facilitator to a question group (professional with an experience expert)', () => {
      const group = [started('QUESTION_GROUP'), facilitator('prof-1')];
      expect(given(networkDecider, group).when({ type: 'AssignFacilitator', staffId: 'prof-2', name: 'Coach' })).toEqual({
        events: [facilitator('prof-2')],
      });
    });
    it('refuses assigning the same facilitator twice', () => {
      expect(
        given(networkDecider, [...peerNetwork, facilitator('coach-1')]).when({
          type: 'AssignFacilitator',
          staffId: 'coach-1',
          name: 'Coach',
        }),
      ).toEqual(conflict(/already a facilitator/));
    });
  });

  describe('joining', () => {
    it('lets a registered participant join, recording who invited them', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { invitedBy: 'p1' }))).toEqual({
        events: [
          {
            type: 'ParticipantJoined',
            data: { networkId: 'n1', participantId: 'p4', role: 'PARTICIPANT', joinedOn: '2024-01-05', invitedBy: 'p1' },
            personal: undefined,
          },
        ],
      });
    });
    it('refuses joining twice', () => {
      expect(given(networkDecider, peerNetwork).when(join('p1'))).toEqual(conflict(/already a member/));
    });
    it('allows joining again after leaving', () => {
      expect(given(networkDecider, [...peerNetwork, left('p1')]).when(join('p1', { joinedOn: '2024-04-01' }))).toHaveProperty('events');
    });
    it('refuses an unregistered participant (NOT_FOUND) and a forgotten one', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { participant: 'unknown' }))).toMatchObject({
        refused: { kind: 'NOT_FOUND' },
      });
      expect(given(networkDecider, peerNetwork).when(join('p4', { participant: 'forgotten' }))).toEqual(conflict(/forgotten/));
    });
    it('refuses an inviter who is not a current member, and inviting oneself', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { invitedBy: 'stranger' }))).toEqual(
        conflict(/invitedBy must be a current member/),
      );
      expect(given(networkDecider, [...peerNetwork, left('p1')]).when(join('p4', { invitedBy: 'p1' }))).toEqual(
        conflict(/invitedBy must be a current member/),
      );
      expect(given(networkDecider, peerNetwork).when(join('p4', { invitedBy: 'p4' }))).toEqual(conflict(/invites themselves/));
    });
    it('refuses joining before the network started', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { joinedOn: '2023-12-31' }))).toEqual(
        conflict(/before the network started/),
      );
    });
    it('sends good neighbours through involveNeighbour', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { role: 'NEIGHBOUR' }))).toEqual(conflict(/involveNeighbour/));
    });
    it('keeps the circle-member role to support circles', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { role: 'CIRCLE_MEMBER' }))).toEqual(
        conflict(/no members with role CIRCLE_MEMBER/),
      );
    });
    it('adds a support circle member as chosen by the resident, and records that choice', () => {
      expect(given(networkDecider, supportCircle).when(join('aunt', { role: 'CIRCLE_MEMBER' }))).toEqual({
        events: [
          {
            type: 'ParticipantJoined',
            data: { networkId: 'n1', participantId: 'aunt', role: 'CIRCLE_MEMBER', joinedOn: '2024-01-05', chosenBy: 'res' },
            personal: undefined,
          },
        ],
      });
    });
    it('refuses a support circle member chosen by someone other than the resident', () => {
      expect(given(networkDecider, supportCircle).when(join('aunt', { role: 'CIRCLE_MEMBER', chosenBy: 'coach-1' }))).toEqual(
        conflict(/chosen by its resident res/),
      );
    });
    it('refuses a second resident (PARTICIPANT) in a support circle', () => {
      expect(given(networkDecider, supportCircle).when(join('p4'))).toEqual(conflict(/no members with role PARTICIPANT/));
    });
    it('refuses chosenBy outside support circles', () => {
      expect(given(networkDecider, peerNetwork).when(join('p4', { chosenBy: 'p1' }))).toEqual(conflict(/support circles only/));
    });
    it('refuses joining an atelier whose programme of four meetings is complete', () => {
      const atelier = [started('ATELIER'), joined('p1'), met('m1', ['p1']), met('m2', ['p1']), met('m3', ['p1']), met('m4', ['p1'])];
      expect(given(networkDecider, atelier).when(join('p4'))).toEqual(conflict(/programme of 4 meetings is complete/));
    });
  });

  describe('leaving', () => {
    const leave = (participantId: string, leftOn = '2024-02-01'): NetworkCommand => ({
      type: 'LeaveNetwork',
      participantId,
      reason: 'verhuisd',
      leftOn,
    });
    it('records a current member leaving, with the reason as personal data', () => {
      expect(given(networkDecider, peerNetwork).when(leave('p1'))).toEqual({
        events: [
          {
            type: 'ParticipantLeft',
            data: { networkId: 'n1', participantId: 'p1', leftOn: '2024-02-01' },
            personal: { subjectId: 'p1', reason: 'verhuisd' },
          },
        ],
      });
    });
    it('refuses someone who is not a current member', () => {
      expect(given(networkDecider, [...peerNetwork, left('p1')]).when(leave('p1', '2024-04-01'))).toEqual(conflict(/not a current member/));
    });
    it('refuses leaving before joining', () => {
      expect(given(networkDecider, peerNetwork).when(leave('p1', '2024-01-01'))).toEqual(conflict(/cannot precede joining/));
    });
    it('keeps the resident in their own support circle', () => {
      expect(given(networkDecider, supportCircle).when(leave('res'))).toEqual(conflict(/cannot leave it/));
    });
  });

  describe('good neighbours', () => {
    const involve = (participantId: string, participant: 'registered' | 'unknown' = 'registered'): NetworkCommand => ({
      type: 'InvolveNeighbour',
      participantId,
      offer: 'taalles Nederlands',
      involvedOn: '2024-01-03',
      participant,
    });
    it('involves a neighbour, who becomes a member with role NEIGHBOUR', () => {
      expect(given(networkDecider, peerNetwork).when(involve('buur'))).toEqual({ events: [neighbour('buur')] });
    });
    it('refuses involving a current member or an unregistered person', () => {
      expect(given(networkDecider, [...peerNetwork, neighbour('buur')]).when(involve('buur'))).toEqual(conflict(/already a member/));
      expect(given(networkDecider, peerNetwork).when(involve('buur', 'unknown'))).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    });
    it('has no neighbours in a support circle', () => {
      expect(given(networkDecider, supportCircle).when(involve('buur'))).toEqual(conflict(/involves no good neighbours/));
    });
    it('lets the coach guide a neighbour, and only a neighbour', () => {
      const guide = (participantId: string): NetworkCommand => ({
        type: 'GuideNeighbour',
        participantId,
        notes: 'niet te veel hooi op de vork',
        guidedOn: '2024-02-01',
        actor: coach,
      });
      expect(given(networkDecider, [...peerNetwork, neighbour('buur')]).when(guide('buur'))).toEqual({
        events: [
          {
            type: 'NeighbourGuided',
            data: { networkId: 'n1', participantId: 'buur', guidedOn: '2024-02-01', guidedBy: 'coach-1' },
            personal: { subjectId: 'buur', notes: 'niet te veel hooi op de vork' },
          },
        ],
      });
      expect(given(networkDecider, peerNetwork).when(guide('p1'))).toEqual(conflict(/not a good neighbour/));
    });
  });

  describe('meetings', () => {
    it('records who came and who did not, numbering the meeting', () => {
      expect(given(networkDecider, [...peerNetwork, met('m1', ['p1'])]).when(meeting(['p1', 'p2'], ['p3']))).toEqual({
        events: [
          {
            type: 'MeetingHeld',
            data: {
              networkId: 'n1',
              meetingId: 'm9',
              heldOn: '2024-01-15',
              attended: ['p1', 'p2'],
              absent: ['p3'],
              sequence: 2,
            },
            // An activity is the group's free text, sealed for the network.
            personal: { subjectId: 'n1', activity: 'wandelen' },
          },
        ],
      });
    });
    it('refuses attendees or absentees who are not current members', () => {
      expect(given(networkDecider, peerNetwork).when(meeting(['p1', 'stranger']))).toEqual(conflict(/current members.*stranger/));
      expect(given(networkDecider, [...peerNetwork, left('p3')]).when(meeting(['p1'], ['p3'], { heldOn: '2024-03-04' }))).toEqual(
        conflict(/not: p3/),
      );
    });
    it('refuses someone both attending and absent', () => {
      expect(given(networkDecider, peerNetwork).when(meeting(['p1', 'p2'], ['p2']))).toEqual(conflict(/both attend and be absent: p2/));
    });
    it('refuses a meeting without attendees or listing someone twice', () => {
      expect(given(networkDecider, peerNetwork).when(meeting([]))).toEqual(conflict(/at least one attendee/));
      expect(given(networkDecider, peerNetwork).when(meeting(['p1', 'p1']))).toEqual(conflict(/listed once/));
    });
    it('refuses members who had not joined yet on the meeting day', () => {
      expect(given(networkDecider, peerNetwork).when(meeting(['p1'], [], { heldOn: '2024-01-01' }))).toEqual(
        conflict(/Not yet members on 2024-01-01: p1/),
      );
    });
    it('refuses recording the same meeting twice', () => {
      expect(given(networkDecider, [...peerNetwork, met('m9', ['p1'])]).when(meeting(['p1']))).toEqual(conflict(/already recorded/));
    });
    it('runs an atelier for a programme of four meetings, no more', () => {
      const three = [started('ATELIER'), joined('p1'), met('m1', ['p1']), met('m2', ['p1']), met('m3', ['p1'])];
      expect(given(networkDecider, three).when(meeting(['p1']))).toHaveProperty('events');
      expect(given(networkDecider, [...three, met('m4', ['p1'])]).when(meeting(['p1']))).toEqual(
        conflict(/programme of 4 meetings is complete/),
      );
    });
    it('meets a support circle with its resident present', () => {
      const circle = [...supportCircle, joined('aunt', 'CIRCLE_MEMBER')];
      expect(given(networkDecider, circle).when(meeting(['res', 'aunt']))).toHaveProperty('events');
      expect(given(networkDecider, circle).when(meeting(['aunt'], ['res']))).toEqual(conflict(/resident res present/));
    });
  });

  describe('following up absences', () => {
    const followUp = (participantId: string, meetingId = 'm1'): NetworkCommand => ({
      type: 'FollowUpAbsence',
      meetingId,
      participantId,
      outcome: 'was ziek',
      actor: coach,
    });
    const afterMeeting = [...peerNetwork, met('m1', ['p1'], ['p2', 'p3'])];
    it('follows up someone recorded absent', () => {
      expect(given(networkDecider, afterMeeting).when(followUp('p2'))).toEqual({
        events: [
          {
            type: 'AbsenceFollowedUp',
            data: { networkId: 'n1', meetingId: 'm1', participantId: 'p2', followedUpBy: 'coach-1' },
            personal: { subjectId: 'p2', outcome: 'was ziek' },
          },
        ],
      });
    });
    it('follows up an absence only once', () => {
      const [followedUp] = (given(networkDecider, afterMeeting).when(followUp('p2')) as { events: never[] }).events;
      expect(given(networkDecider, [...afterMeeting, followedUp]).when(followUp('p2'))).toEqual(conflict(/already followed up/));
      expect(given(networkDecider, [...afterMeeting, followedUp]).when(followUp('p3'))).toHaveProperty('events');
    });
    it('refuses following up someone who was not absent, or an unknown meeting', () => {
      expect(given(networkDecider, afterMeeting).when(followUp('p1'))).toEqual(conflict(/not recorded absent/));
      expect(given(networkDecider, afterMeeting).when(followUp('p2', 'm404'))).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    });
  });

  describe('contacts outside meetings and help exchanged', () => {
    const contact = (between: string[]): NetworkCommand => ({
      type: 'ReportOutsideContact',
      between,
      kind: 'biertje gedronken',
      on: '2024-02-01',
    });
    it('records a contact between members', () => {
      expect(given(networkDecider, peerNetwork).when(contact(['p1', 'p2']))).toEqual({
        events: [
          {
            type: 'ContactOutsideMeetingsReported',
            data: { networkId: 'n1', between: ['p1', 'p2'], on: '2024-02-01' },
            personal: { subjectId: 'n1', kind: 'biertje gedronken' },
          },
        ],
      });
    });
    it('needs two different current members', () => {
      expect(given(networkDecider, peerNetwork).when(contact(['p1', 'p1']))).toEqual(conflict(/at least two different members/));
      expect(given(networkDecider, peerNetwork).when(contact(['p1', 'stranger']))).toEqual(conflict(/current members/));
    });
    it('records help given by one member to another (wederkerigheid)', () => {
      const help = (helperId: string, helpedId: string): NetworkCommand => ({
        type: 'RecordHelpExchange',
        helperId,
        helpedId,
        talent: 'wandelroute',
        on: '2024-02-01',
      });
      expect(given(networkDecider, peerNetwork).when(help('p1', 'p2'))).toHaveProperty('events');
      expect(given(networkDecider, peerNetwork).when(help('p1', 'p1'))).toEqual(conflict(/two different members/));
      expect(given(networkDecider, peerNetwork).when(help('p1', 'stranger'))).toEqual(conflict(/current members/));
    });
  });

  describe("a support circle's plan", () => {
    const circle = [...supportCircle, joined('aunt', 'CIRCLE_MEMBER')];
    const agree = (assigneeId: string): NetworkCommand => ({
      type: 'AgreePlan',
      planId: 'plan1',
      agreedOn: '2024-02-01',
      agreements: [{ agreementId: 'plan1.1', assigneeId, task: 'helpt met de administratie', dueOn: '2024-03-01' }],
    });
    const complete: NetworkCommand = { type: 'CompleteAgreement', agreementId: 'plan1.1', completedOn: '2024-02-20' };
    it('agrees one plan, keeping the tasks as the resident’s personal data', () => {
      expect(given(networkDecider, circle).when(agree('aunt'))).toEqual({
        events: [
          {
            type: 'PlanAgreed',
            data: {
              networkId: 'n1',
              planId: 'plan1',
              agreedOn: '2024-02-01',
              agreements: [{ agreementId: 'plan1.1', assigneeId: 'aunt', dueOn: '2024-03-01' }],
            },
            personal: { subjectId: 'res', tasks: { 'plan1.1': 'helpt met de administratie' } },
          },
        ],
      });
    });
    it('gives agreements only to circle members, and plans only to support circles', () => {
      expect(given(networkDecider, circle).when(agree('stranger'))).toEqual(conflict(/current members/));
      expect(given(networkDecider, peerNetwork).when(agree('p1'))).toEqual(conflict(/belongs to a support circle/));
    });
    it('completes an agreement once', () => {
      const [plan] = (given(networkDecider, circle).when(agree('aunt')) as { events: NetworkEvent[] }).events;
      const done: NetworkEvent = {
        type: 'AgreementCompleted',
        data: { networkId: 'n1', agreementId: 'plan1.1', completedOn: '2024-02-20' },
        personal: undefined,
      };
      expect(given(networkDecider, [...circle, plan]).when(complete)).toEqual({ events: [done] });
      expect(given(networkDecider, [...circle, plan, done]).when(complete)).toEqual(conflict(/already completed/));
      expect(given(networkDecider, circle).when(complete)).toMatchObject({ refused: { kind: 'NOT_FOUND' } });
    });
  });

  describe('closing', () => {
    it('closes a network, after which it accepts nothing', () => {
      expect(given(networkDecider, peerNetwork).when({ type: 'CloseNetwork', closedOn: '2024-06-01', reason: 'project ended' })).toEqual({
        events: [closed],
      });
      expect(
        given(networkDecider, [...peerNetwork, closed]).when({ type: 'CloseNetwork', closedOn: '2024-07-01', reason: 'again' }),
      ).toEqual(conflict(/closed/));
    });
  });
});
