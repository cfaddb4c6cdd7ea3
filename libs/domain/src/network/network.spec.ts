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
});
const joined = (participantId: string, role: MemberRole = 'PARTICIPANT', joinedOn = '2024-01-02'): NetworkEvent => ({
  type: 'ParticipantJoined',
  data: { networkId: 'n1', participantId, role, joinedOn },
});
const neighbour = (participantId: string): NetworkEvent => ({
  type: 'NeighbourInvolved',
  data: { networkId: 'n1', participantId, involvedOn: '2024-01-03', personal: { subjectId: participantId, offer: 'taalles Nederlands' } },
});
const left = (participantId: string): NetworkEvent => ({
  type: 'ParticipantLeft',
  data: { networkId: 'n1', participantId, leftOn: '2024-03-01', personal: { subjectId: participantId, reason: 'verhuisd' } },
});
const met = (meetingId: string, attended: string[], absent: string[] = [], sequence = 1): NetworkEvent => ({
  type: 'MeetingHeld',
  data: { networkId: 'n1', meetingId, heldOn: '2024-01-08', attended, absent, sequence, personal: { subjectId: 'n1', activity: 'koffie' } },
});
const facilitator = (staffId: string, replacesStaffId?: string): NetworkEvent => ({
  type: 'FacilitatorAssigned',
  data: { networkId: 'n1', staffId, ...(replacesStaffId ? { replacesStaffId } : {}), personal: { subjectId: staffId, name: 'Coach' } },
});
const closed: NetworkEvent = {
  type: 'NetworkClosed',
  data: { networkId: 'n1', closedOn: '2024-06-01', personal: { subjectId: 'n1', reason: 'project ended' } },
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
/** What `meeting(attended, absent)` records as the network's `sequence`th meeting. */
const held = (
  attended: string[],
  absent: string[],
  sequence: number,
  unlisted: { excused?: string[]; presenceUnknown?: string[] } = {},
): NetworkEvent => ({
  type: 'MeetingHeld',
  data: {
    networkId: 'n1',
    meetingId: 'm9',
    heldOn: '2024-01-15',
    attended,
    absent,
    ...unlisted,
    sequence,
    personal: { subjectId: 'n1', activity: 'wandelen' },
  },
});

describe('Network decider', () => {
  describe('starting a network', () => {
    it('starts a peer network', () => {
      given(networkDecider).when(start('PEER_NETWORK')).then([started()]);
    });
    it('refuses to start the same network twice', () => {
      given(networkDecider, [started()])
        .when(start('PEER_NETWORK'))
        .thenRefused('CONFLICT', /already been started/);
    });
    it('starts a support circle with its resident as the first member', () => {
      given(networkDecider)
        .when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'registered' }))
        .then([started('SUPPORT_CIRCLE', 'res'), joined('res', 'PARTICIPANT', '2024-01-01')]);
    });
    it('refuses a support circle without its focal resident', () => {
      given(networkDecider)
        .when(start('SUPPORT_CIRCLE'))
        .thenRefused('CONFLICT', /focalParticipantId is required/);
    });
    it('refuses a support circle around an unregistered or forgotten resident', () => {
      given(networkDecider)
        .when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'unknown' }))
        .thenRefused('NOT_FOUND');
      given(networkDecider)
        .when(start('SUPPORT_CIRCLE', { focalParticipantId: 'res', focal: 'forgotten' }))
        .thenRefused('CONFLICT', /forgotten/);
    });
    it('refuses a focal resident for the other methods', () => {
      given(networkDecider)
        .when(start('ATELIER', { focalParticipantId: 'res', focal: 'registered' }))
        .thenRefused('CONFLICT', /Only a support circle/);
    });
  });

  describe('any command', () => {
    it('is NOT_FOUND on a network that was never started', () => {
      given(networkDecider).when(join('p1')).thenRefused('NOT_FOUND');
    });
    it('is refused on a closed network', () => {
      given(networkDecider, [...peerNetwork, closed])
        .when(join('p9'))
        .thenRefused('CONFLICT', /closed/);
    });
  });

  describe('facilitators', () => {
    it('assigns a network coach', () => {
      given(networkDecider, peerNetwork)
        .when({ type: 'AssignFacilitator', staffId: 'coach-1', name: 'Coach' })
        .then([facilitator('coach-1')]);
    });
    it('replaces the one coach of a peer network, support circle or atelier', () => {
      given(networkDecider, [...peerNetwork, facilitator('coach-1')])
        .when({
          type: 'AssignFacilitator',
          staffId: 'coach-2',
          name: 'Coach',
        })
        .then([facilitator('coach-2', 'coach-1')]);
    });
    it('adds a second facilitator to a question group (professional with an experience expert)', () => {
      const group = [started('QUESTION_GROUP'), facilitator('prof-1')];
      given(networkDecider, group)
        .when({ type: 'AssignFacilitator', staffId: 'prof-2', name: 'Coach' })
        .then([facilitator('prof-2')]);
    });
    it('refuses assigning the same facilitator twice', () => {
      given(networkDecider, [...peerNetwork, facilitator('coach-1')])
        .when({
          type: 'AssignFacilitator',
          staffId: 'coach-1',
          name: 'Coach',
        })
        .thenRefused('CONFLICT', /already a facilitator/);
    });
  });

  describe('joining', () => {
    it('lets a registered participant join, recording who invited them', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { invitedBy: 'p1' }))
        .then([
          {
            type: 'ParticipantJoined',
            data: { networkId: 'n1', participantId: 'p4', role: 'PARTICIPANT', joinedOn: '2024-01-05', invitedBy: 'p1' },
          },
        ]);
    });
    it('refuses joining twice', () => {
      given(networkDecider, peerNetwork)
        .when(join('p1'))
        .thenRefused('CONFLICT', /already a member/);
    });
    it('allows joining again after leaving', () => {
      given(networkDecider, [...peerNetwork, left('p1')])
        .when(join('p1', { joinedOn: '2024-04-01' }))
        .then([joined('p1', 'PARTICIPANT', '2024-04-01')]);
    });
    it('refuses an unregistered participant (NOT_FOUND) and a forgotten one', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { participant: 'unknown' }))
        .thenRefused('NOT_FOUND');
      given(networkDecider, peerNetwork)
        .when(join('p4', { participant: 'forgotten' }))
        .thenRefused('CONFLICT', /forgotten/);
    });
    it('refuses an inviter who is not a current member, and inviting oneself', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { invitedBy: 'stranger' }))
        .thenRefused('CONFLICT', /invitedBy must be a current member/);
      given(networkDecider, [...peerNetwork, left('p1')])
        .when(join('p4', { invitedBy: 'p1' }))
        .thenRefused('CONFLICT', /invitedBy must be a current member/);
      given(networkDecider, peerNetwork)
        .when(join('p4', { invitedBy: 'p4' }))
        .thenRefused('CONFLICT', /invites themselves/);
    });
    it('refuses joining before the network started', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { joinedOn: '2023-12-31' }))
        .thenRefused('CONFLICT', /before the network started/);
    });
    it('sends good neighbours through involveNeighbour', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { role: 'NEIGHBOUR' }))
        .thenRefused('CONFLICT', /involveNeighbour/);
    });
    it('keeps the circle-member role to support circles', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { role: 'CIRCLE_MEMBER' }))
        .thenRefused('CONFLICT', /no members with role CIRCLE_MEMBER/);
    });
    it('adds a support circle member as chosen by the resident, and records that choice', () => {
      given(networkDecider, supportCircle)
        .when(join('aunt', { role: 'CIRCLE_MEMBER' }))
        .then([
          {
            type: 'ParticipantJoined',
            data: { networkId: 'n1', participantId: 'aunt', role: 'CIRCLE_MEMBER', joinedOn: '2024-01-05', chosenBy: 'res' },
          },
        ]);
    });
    it('refuses a support circle member chosen by someone other than the resident', () => {
      given(networkDecider, supportCircle)
        .when(join('aunt', { role: 'CIRCLE_MEMBER', chosenBy: 'coach-1' }))
        .thenRefused('CONFLICT', /chosen by its resident res/);
    });
    it('refuses a second resident (PARTICIPANT) in a support circle', () => {
      given(networkDecider, supportCircle)
        .when(join('p4'))
        .thenRefused('CONFLICT', /no members with role PARTICIPANT/);
    });
    it('refuses chosenBy outside support circles', () => {
      given(networkDecider, peerNetwork)
        .when(join('p4', { chosenBy: 'p1' }))
        .thenRefused('CONFLICT', /support circles only/);
    });
    it('refuses joining an atelier whose programme of four meetings is complete', () => {
      const atelier = [started('ATELIER'), joined('p1'), met('m1', ['p1']), met('m2', ['p1']), met('m3', ['p1']), met('m4', ['p1'])];
      given(networkDecider, atelier)
        .when(join('p4'))
        .thenRefused('CONFLICT', /programme of 4 meetings is complete/);
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
      given(networkDecider, peerNetwork)
        .when(leave('p1'))
        .then([
          {
            type: 'ParticipantLeft',
            data: { networkId: 'n1', participantId: 'p1', leftOn: '2024-02-01', personal: { subjectId: 'p1', reason: 'verhuisd' } },
          },
        ]);
    });
    it('refuses someone who is not a current member', () => {
      given(networkDecider, [...peerNetwork, left('p1')])
        .when(leave('p1', '2024-04-01'))
        .thenRefused('CONFLICT', /not a current member/);
    });
    it('refuses leaving before joining', () => {
      given(networkDecider, peerNetwork)
        .when(leave('p1', '2024-01-01'))
        .thenRefused('CONFLICT', /cannot precede joining/);
    });
    it('keeps the resident in their own support circle', () => {
      given(networkDecider, supportCircle)
        .when(leave('res'))
        .thenRefused('CONFLICT', /cannot leave it/);
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
      given(networkDecider, peerNetwork)
        .when(involve('buur'))
        .then([neighbour('buur')]);
    });
    it('refuses involving a current member or an unregistered person', () => {
      given(networkDecider, [...peerNetwork, neighbour('buur')])
        .when(involve('buur'))
        .thenRefused('CONFLICT', /already a member/);
      given(networkDecider, peerNetwork).when(involve('buur', 'unknown')).thenRefused('NOT_FOUND');
    });
    it('has no neighbours in a support circle', () => {
      given(networkDecider, supportCircle)
        .when(involve('buur'))
        .thenRefused('CONFLICT', /involves no good neighbours/);
    });
    it('lets the coach guide a neighbour, and only a neighbour', () => {
      const guide = (participantId: string): NetworkCommand => ({
        type: 'GuideNeighbour',
        participantId,
        notes: 'niet te veel hooi op de vork',
        guidedOn: '2024-02-01',
        actor: coach,
      });
      given(networkDecider, [...peerNetwork, neighbour('buur')])
        .when(guide('buur'))
        .then([
          {
            type: 'NeighbourGuided',
            data: {
              networkId: 'n1',
              participantId: 'buur',
              guidedOn: '2024-02-01',
              guidedBy: 'coach-1',
              personal: { subjectId: 'buur', notes: 'niet te veel hooi op de vork' },
            },
          },
        ]);
      given(networkDecider, peerNetwork)
        .when(guide('p1'))
        .thenRefused('CONFLICT', /not a good neighbour/);
    });
  });

  describe('meetings', () => {
    it('records who came and who did not, numbering the meeting', () => {
      given(networkDecider, [...peerNetwork, met('m1', ['p1'])])
        .when(meeting(['p1', 'p2'], ['p3']))
        .then([
          {
            type: 'MeetingHeld',
            data: {
              networkId: 'n1',
              meetingId: 'm9',
              heldOn: '2024-01-15',
              attended: ['p1', 'p2'],
              absent: ['p3'],
              sequence: 2,
              // An activity is the group's free text, sealed for the network.
              personal: { subjectId: 'n1', activity: 'wandelen' },
            },
          },
        ]);
    });
    it('refuses attendees or absentees who are not current members', () => {
      given(networkDecider, peerNetwork)
        .when(meeting(['p1', 'stranger']))
        .thenRefused('CONFLICT', /current members.*stranger/);
      given(networkDecider, [...peerNetwork, left('p3')])
        .when(meeting(['p1'], ['p3'], { heldOn: '2024-03-04' }))
        .thenRefused('CONFLICT', /not: p3/);
    });
    it('refuses someone both attending and absent', () => {
      given(networkDecider, peerNetwork)
        .when(meeting(['p1', 'p2'], ['p2']))
        .thenRefused('CONFLICT', /listed once.*: p2/);
    });
    it('refuses a meeting without attendees or listing someone twice', () => {
      given(networkDecider, peerNetwork)
        .when(meeting([]))
        .thenRefused('CONFLICT', /at least one attendee/);
      given(networkDecider, peerNetwork)
        .when(meeting(['p1', 'p1']))
        .thenRefused('CONFLICT', /listed once/);
    });
    it('refuses a meeting that leaves out a current member, naming who', () => {
      given(networkDecider, peerNetwork)
        .when(meeting(['p1'], ['p2']))
        .thenRefused('INVALID', /attended, absent, excused or presenceUnknown; not listed: p3$/, 'attended');
    });
    it('takes members who sent word (excused) or whose presence is not known, and records them apart', () => {
      given(networkDecider, peerNetwork)
        .when(meeting(['p1'], [], { excused: ['p2'], presenceUnknown: ['p3'] }))
        .then([held(['p1'], [], 1, { excused: ['p2'], presenceUnknown: ['p3'] })]);
      given(networkDecider, peerNetwork)
        .when(meeting(['p1', 'p2'], [], { excused: ['p2'], presenceUnknown: ['p3'] }))
        .thenRefused('CONFLICT', /listed once.*: p2/);
    });
    it('needs no one listed who joined after the meeting day', () => {
      given(networkDecider, [...peerNetwork, joined('late', 'PARTICIPANT', '2024-02-01')])
        .when(meeting(['p1', 'p2', 'p3']))
        .then([held(['p1', 'p2', 'p3'], [], 1)]);
    });
    it('refuses members who had not joined yet on the meeting day', () => {
      given(networkDecider, peerNetwork)
        .when(meeting(['p1'], [], { heldOn: '2024-01-01' }))
        .thenRefused('CONFLICT', /Not yet members on 2024-01-01: p1/);
    });
    it('refuses recording the same meeting twice', () => {
      given(networkDecider, [...peerNetwork, met('m9', ['p1'])])
        .when(meeting(['p1']))
        .thenRefused('CONFLICT', /already recorded/);
    });
    it('runs an atelier for a programme of four meetings, no more', () => {
      const three = [started('ATELIER'), joined('p1'), met('m1', ['p1']), met('m2', ['p1']), met('m3', ['p1'])];
      given(networkDecider, three)
        .when(meeting(['p1']))
        .then([held(['p1'], [], 4)]);
      given(networkDecider, [...three, met('m4', ['p1'])])
        .when(meeting(['p1']))
        .thenRefused('CONFLICT', /programme of 4 meetings is complete/);
    });
    it('meets a support circle with its resident present', () => {
      const circle = [...supportCircle, joined('aunt', 'CIRCLE_MEMBER')];
      given(networkDecider, circle)
        .when(meeting(['res', 'aunt']))
        .then([held(['res', 'aunt'], [], 1)]);
      given(networkDecider, circle)
        .when(meeting(['aunt'], ['res']))
        .thenRefused('CONFLICT', /resident res present/);
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
    const followedUp = (participantId: string): NetworkEvent => ({
      type: 'AbsenceFollowedUp',
      data: {
        networkId: 'n1',
        meetingId: 'm1',
        participantId,
        followedUpBy: 'coach-1',
        personal: { subjectId: participantId, outcome: 'was ziek' },
      },
    });
    it('follows up someone recorded absent', () => {
      given(networkDecider, afterMeeting)
        .when(followUp('p2'))
        .then([followedUp('p2')]);
    });
    it('follows up an absence only once', () => {
      given(networkDecider, [...afterMeeting, followedUp('p2')])
        .when(followUp('p2'))
        .thenRefused('CONFLICT', /already followed up/);
      given(networkDecider, [...afterMeeting, followedUp('p2')])
        .when(followUp('p3'))
        .then([followedUp('p3')]);
    });
    it('refuses following up someone who was not absent, or an unknown meeting', () => {
      given(networkDecider, afterMeeting)
        .when(followUp('p1'))
        .thenRefused('CONFLICT', /not recorded absent/);
      given(networkDecider, afterMeeting).when(followUp('p2', 'm404')).thenRefused('NOT_FOUND');
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
      given(networkDecider, peerNetwork)
        .when(contact(['p1', 'p2']))
        .then([
          {
            type: 'ContactOutsideMeetingsReported',
            data: { networkId: 'n1', between: ['p1', 'p2'], on: '2024-02-01', personal: { subjectId: 'n1', kind: 'biertje gedronken' } },
          },
        ]);
    });
    it('needs two different current members', () => {
      given(networkDecider, peerNetwork)
        .when(contact(['p1', 'p1']))
        .thenRefused('CONFLICT', /at least two different members/);
      given(networkDecider, peerNetwork)
        .when(contact(['p1', 'stranger']))
        .thenRefused('CONFLICT', /current members/);
    });
    it('records help given by one member to another (wederkerigheid)', () => {
      const help = (helperId: string, helpedId: string): NetworkCommand => ({
        type: 'RecordHelpExchange',
        helperId,
        helpedId,
        talent: 'wandelroute',
        on: '2024-02-01',
      });
      given(networkDecider, peerNetwork)
        .when(help('p1', 'p2'))
        .then([
          {
            type: 'HelpExchanged',
            data: {
              networkId: 'n1',
              helperId: 'p1',
              helpedId: 'p2',
              on: '2024-02-01',
              personal: { subjectId: 'p1', talent: 'wandelroute' },
            },
          },
        ]);
      given(networkDecider, peerNetwork)
        .when(help('p1', 'p1'))
        .thenRefused('CONFLICT', /two different members/);
      given(networkDecider, peerNetwork)
        .when(help('p1', 'stranger'))
        .thenRefused('CONFLICT', /current members/);
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
    const plan: NetworkEvent = {
      type: 'PlanAgreed',
      data: {
        networkId: 'n1',
        planId: 'plan1',
        agreedOn: '2024-02-01',
        agreements: [{ agreementId: 'plan1.1', assigneeId: 'aunt', dueOn: '2024-03-01' }],
        personal: { subjectId: 'res', tasks: { 'plan1.1': 'helpt met de administratie' } },
      },
    };
    it('agrees one plan, keeping the tasks as the resident’s personal data', () => {
      given(networkDecider, circle).when(agree('aunt')).then([plan]);
    });
    it('gives agreements only to circle members, and plans only to support circles', () => {
      given(networkDecider, circle)
        .when(agree('stranger'))
        .thenRefused('CONFLICT', /current members/);
      given(networkDecider, peerNetwork)
        .when(agree('p1'))
        .thenRefused('CONFLICT', /belongs to a support circle/);
    });
    it('completes an agreement once', () => {
      const done: NetworkEvent = {
        type: 'AgreementCompleted',
        data: { networkId: 'n1', agreementId: 'plan1.1', completedOn: '2024-02-20' },
      };
      given(networkDecider, [...circle, plan])
        .when(complete)
        .then([done]);
      given(networkDecider, [...circle, plan, done])
        .when(complete)
        .thenRefused('CONFLICT', /already completed/);
      given(networkDecider, circle).when(complete).thenRefused('NOT_FOUND');
    });
  });

  describe('closing', () => {
    it('closes a network, after which it accepts nothing', () => {
      given(networkDecider, peerNetwork).when({ type: 'CloseNetwork', closedOn: '2024-06-01', reason: 'project ended' }).then([closed]);
      given(networkDecider, [...peerNetwork, closed])
        .when({ type: 'CloseNetwork', closedOn: '2024-07-01', reason: 'again' })
        .thenRefused('CONFLICT', /closed/);
    });
  });
});
