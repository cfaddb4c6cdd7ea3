import { Actor, Decider, DomainError, ensure, IsoDate, notFound } from '../shared/decider';
import type { NetworkStanding, ParticipantStanding } from '../shared/standing';
import { GrowingMap } from '../shared/growing-map';
import type { CircleMethod, MemberRole, NetworkCharter, NetworkEvent } from './events';

export type NetworkCommand =
  | ({ type: 'StartNetwork'; /** Standing of the focal resident, when one is named. */ focal?: ParticipantStanding } & NetworkCharter)
  | { type: 'AssignFacilitator'; staffId: string; name: string }
  | {
      type: 'JoinNetwork';
      participantId: string;
      role: MemberRole;
      joinedOn: IsoDate;
      invitedBy?: string;
      chosenBy?: string;
      participant: ParticipantStanding;
    }
  | { type: 'LeaveNetwork'; participantId: string; reason: string; leftOn: IsoDate }
  | { type: 'InvolveNeighbour'; participantId: string; offer: string; involvedOn: IsoDate; participant: ParticipantStanding }
  | { type: 'GuideNeighbour'; participantId: string; notes: string; guidedOn: IsoDate; actor: Actor }
  | {
      type: 'RecordMeeting';
      meetingId: string;
      heldOn: IsoDate;
      activity: string;
      attended: readonly string[];
      absent: readonly string[];
      /** Sent word they could not come (afgemeld): no absence to follow up. */
      excused?: readonly string[];
      /** Whether they were there is not known (the coach was not told). */
      presenceUnknown?: readonly string[];
    }
  | { type: 'FollowUpAbsence'; meetingId: string; participantId: string; outcome: string; actor: Actor }
  | { type: 'ReportOutsideContact'; between: readonly string[]; kind: string; on: IsoDate }
  | { type: 'RecordHelpExchange'; helperId: string; helpedId: string; talent: string; on: IsoDate }
  | {
      type: 'AgreePlan';
      planId: string;
      agreedOn: IsoDate;
      agreements: readonly { agreementId: string; assigneeId: string; task: string; dueOn?: IsoDate }[];
    }
  | { type: 'CompleteAgreement'; agreementId: string; completedOn: IsoDate }
  | { type: 'CloseNetwork'; closedOn: IsoDate; reason: string };

export interface Member {
  role: MemberRole;
  joinedOn: IsoDate;
}

interface MeetingRecord {
  heldOn: IsoDate;
  absent: ReadonlySet<string>;
}

export interface KnownNetwork {
  status: 'open' | 'closed';
  networkId: string;
  method: CircleMethod;
  startedOn: IsoDate;
  focalParticipantId?: string;
  facilitators: readonly string[];
  /** Current members only; a member who left is no longer here. */
  members: ReadonlyMap<string, Member>;
  /** Every meeting held; they grow week by week for as long as the network runs, so a version shares them with the one before. */
  meetings: GrowingMap<string, MeetingRecord>;
  /** Absences followed up, by followUpKey. */
  followedUp: GrowingMap<string, true>;
  /** Agreements of the current plan, and whether each is done. */
  agreements: ReadonlyMap<string, { completed: boolean }>;
}

export type NetworkState = { status: 'unknown' } | KnownNetwork;

/** What a command on another aggregate needs to know of this network. */
export const networkStandingOf = (state: NetworkState): NetworkStanding =>
  state.status === 'unknown' ? { status: 'unknown' } : { status: state.status, method: state.method };

interface MethodRules {
  /** How users call the method and its facilitator, for messages. */
  name: string;
  /** One facilitator at a time: assigning another one replaces the previous. */
  singleFacilitator: boolean;
  /** Roles with which people join (neighbours come in through involveNeighbour). */
  joinRoles: readonly MemberRole[];
  neighbours: boolean;
  /** A fixed programme of meetings (Samenkracht: four). */
  programmeMeetings?: number;
}

export const METHOD_RULES: Record<CircleMethod, MethodRules> = {
  // Samen Sterk: one netwerkcoach per network; participants, experience experts, and a good neighbour.
  PEER_NETWORK: {
    name: 'peer network (Samen Sterk)',
    singleFacilitator: true,
    joinRoles: ['PARTICIPANT', 'EXPERIENCE_EXPERT', 'PROFESSIONAL'],
    neighbours: true,
  },
  // Steunkring: one resident, circle members chosen by that resident, one vaste procesbegeleider.
  SUPPORT_CIRCLE: {
    name: 'support circle (steunkring)',
    singleFacilitator: true,
    joinRoles: ['CIRCLE_MEMBER', 'PROFESSIONAL'],
    neighbours: false,
  },
  // Samenkracht atelier: one moderator (gespreksleider), a programme of four meetings.
  ATELIER: {
    name: 'atelier (Samenkracht)',
    singleFacilitator: true,
    joinRoles: ['PARTICIPANT', 'EXPERIENCE_EXPERT', 'PROFESSIONAL'],
    neighbours: true,
    programmeMeetings: 4,
  },
  // Zwolle vraaggroep: a professional of the social base, often with an experience expert, so several facilitators.
  QUESTION_GROUP: {
    name: 'question group (vraaggroep)',
    singleFacilitator: false,
    joinRoles: ['PARTICIPANT', 'EXPERIENCE_EXPERT', 'PROFESSIONAL'],
    neighbours: true,
  },
};

function ensureMayBeNamed(standing: ParticipantStanding, participantId: string): void {
  if (standing === 'unknown') throw notFound(`No participant is registered with id ${participantId}`);
  ensure(standing !== 'forgotten', `Participant ${participantId} has been forgotten and cannot be added`);
}

/** A meeting recorded without some current members: neither attended, absent, excused nor of unknown presence. */
export class MembersNotAccountedFor extends DomainError {
  constructor(readonly missing: readonly string[]) {
    super(
      'INVALID',
      `Every member must be listed as attended, absent, excused or presenceUnknown; not listed: ${missing.join(', ')}`,
      'attended',
    );
  }
}

function ensureMembers(state: KnownNetwork, ids: readonly string[], what: string): void {
  const outsiders = ids.filter((id) => !state.members.has(id));
  ensure(outsiders.length === 0, `${what} must be current members of the network; not: ${outsiders.join(', ')}`);
}

function ensureNotBeforeStart(state: KnownNetwork, date: IsoDate, what: string): void {
  ensure(date >= state.startedOn, `${what} (${date}) cannot be before the network started on ${state.startedOn}`);
}

function decide(command: NetworkCommand, state: NetworkState): NetworkEvent[] {
  if (command.type === 'StartNetwork') return start(command, state);
  if (state.status === 'unknown') throw notFound('No network with this id');
  ensure(state.status === 'open', `Network ${state.networkId} is closed and accepts no more changes`);
  const rules = METHOD_RULES[state.method];
  const { networkId } = state;

  switch (command.type) {
    case 'AssignFacilitator': {
      ensure(!state.facilitators.includes(command.staffId), `${command.staffId} is already a facilitator of this network`);
      const replacesStaffId = rules.singleFacilitator ? state.facilitators[0] : undefined;
      return [
        {
          type: 'FacilitatorAssigned',
          data: {
            networkId,
            staffId: command.staffId,
            ...(replacesStaffId ? { replacesStaffId } : {}),
            personal: { subjectId: command.staffId, name: command.name },
          },
        },
      ];
    }

    case 'JoinNetwork': {
      const { participantId, role, joinedOn, invitedBy } = command;
      ensureMayBeNamed(command.participant, participantId);
      ensure(!state.members.has(participantId), `${participantId} is already a member of this network`);
      ensure(role !== 'NEIGHBOUR', 'A good neighbour (goede buur) is added with involveNeighbour, which records what they offer');
      ensure(rules.joinRoles.includes(role), `A ${rules.name} has no members with role ${role}; allowed: ${rules.joinRoles.join(', ')}`);
      ensureNotBeforeStart(state, joinedOn, 'Joining');
      ensureProgrammeNotOver(state, rules);
      if (invitedBy !== undefined) {
        ensure(invitedBy !== participantId, 'Nobody invites themselves');
        ensure(state.members.has(invitedBy), `invitedBy must be a current member; ${invitedBy} is not`);
      }
      let chosenBy: string | undefined;
      if (state.method === 'SUPPORT_CIRCLE') {
        // The resident chooses who is in their steunkring; the event records that choice.
        chosenBy = command.chosenBy ?? state.focalParticipantId;
        ensure(
          chosenBy === state.focalParticipantId,
          `Members of a support circle are chosen by its resident ${state.focalParticipantId}, not by ${chosenBy}`,
        );
      } else {
        ensure(command.chosenBy === undefined, 'chosenBy applies to support circles only');
      }
      return [
        {
          type: 'ParticipantJoined',
          data: { networkId, participantId, role, joinedOn, ...(invitedBy ? { invitedBy } : {}), ...(chosenBy ? { chosenBy } : {}) },
        },
      ];
    }

    case 'LeaveNetwork': {
      const member = state.members.get(command.participantId);
      ensure(member !== undefined, `${command.participantId} is not a current member of this network`);
      ensure(
        command.participantId !== state.focalParticipantId,
        'The resident a support circle is for cannot leave it; close the network instead',
      );
      ensure(command.leftOn >= member.joinedOn, `Leaving on ${command.leftOn} cannot precede joining on ${member.joinedOn}`);
      return [
        {
          type: 'ParticipantLeft',
          data: {
            networkId,
            participantId: command.participantId,
            leftOn: command.leftOn,
            personal: { subjectId: command.participantId, reason: command.reason },
          },
        },
      ];
    }

    case 'InvolveNeighbour': {
      const { participantId, involvedOn, offer } = command;
      ensureMayBeNamed(command.participant, participantId);
      ensure(rules.neighbours, `A ${rules.name} involves no good neighbours; its members are chosen by the resident`);
      ensure(!state.members.has(participantId), `${participantId} is already a member of this network`);
      ensureNotBeforeStart(state, involvedOn, 'Involving a neighbour');
      ensureProgrammeNotOver(state, rules);
      return [{ type: 'NeighbourInvolved', data: { networkId, participantId, involvedOn, personal: { subjectId: participantId, offer } } }];
    }

    case 'GuideNeighbour': {
      const member = state.members.get(command.participantId);
      ensure(member?.role === 'NEIGHBOUR', `${command.participantId} is not a good neighbour of this network`);
      ensure(command.guidedOn >= member.joinedOn, 'Guidance cannot precede the neighbour being involved');
      return [
        {
          type: 'NeighbourGuided',
          data: {
            networkId,
            participantId: command.participantId,
            guidedOn: command.guidedOn,
            guidedBy: command.actor.id,
            personal: { subjectId: command.participantId, notes: command.notes },
          },
        },
      ];
    }

    case 'RecordMeeting': {
      const { meetingId, heldOn, activity, attended, absent, excused = [], presenceUnknown = [] } = command;
      ensure(!state.meetings.has(meetingId), `Meeting ${meetingId} is already recorded`);
      ensure(attended.length > 0, 'A meeting needs at least one attendee');
      const listed = [...attended, ...absent, ...excused, ...presenceUnknown];
      const twice = listed.filter((id, i) => listed.indexOf(id) !== i);
      ensure(
        twice.length === 0,
        `Each member is listed once, as attended, absent, excused or presenceUnknown: ${[...new Set(twice)].join(', ')}`,
      );
      ensureMembers(state, listed, 'Attendees, absentees, the excused and those of unknown presence');
      const notYet = listed.filter((id) => (state.members.get(id)?.joinedOn ?? '') > heldOn);
      ensure(notYet.length === 0, `Not yet members on ${heldOn}: ${notYet.join(', ')}`);
      ensureNotBeforeStart(state, heldOn, 'A meeting');
      // A member left out is a gap in the record that nobody notices later: every member of that day is accounted for.
      const missing = [...state.members].filter(([id, member]) => member.joinedOn <= heldOn && !listed.includes(id)).map(([id]) => id);
      if (missing.length > 0) throw new MembersNotAccountedFor(missing);
      ensureProgrammeNotOver(state, rules);
      if (state.focalParticipantId) {
        ensure(attended.includes(state.focalParticipantId), `A support circle meets with its resident ${state.focalParticipantId} present`);
      }
      return [
        {
          type: 'MeetingHeld',
          data: {
            networkId,
            meetingId,
            heldOn,
            attended: [...attended],
            absent: [...absent],
            ...(excused.length > 0 ? { excused: [...excused] } : {}),
            ...(presenceUnknown.length > 0 ? { presenceUnknown: [...presenceUnknown] } : {}),
            sequence: state.meetings.size + 1,
            personal: { subjectId: networkId, activity },
          },
        },
      ];
    }

    case 'FollowUpAbsence': {
      const meeting = state.meetings.get(command.meetingId);
      if (!meeting) throw notFound(`Network ${networkId} has no meeting ${command.meetingId}`);
      ensure(meeting.absent.has(command.participantId), `${command.participantId} was not recorded absent at meeting ${command.meetingId}`);
      ensure(
        !state.followedUp.has(followUpKey(command.meetingId, command.participantId)),
        `The absence of ${command.participantId} at meeting ${command.meetingId} was already followed up`,
      );
      return [
        {
          type: 'AbsenceFollowedUp',
          data: {
            networkId,
            meetingId: command.meetingId,
            participantId: command.participantId,
            followedUpBy: command.actor.id,
            personal: { subjectId: command.participantId, outcome: command.outcome },
          },
        },
      ];
    }

    case 'ReportOutsideContact': {
      const between = [...new Set(command.between)];
      ensure(between.length >= 2, 'A contact outside meetings is between at least two different members');
      ensureMembers(state, between, 'The people in contact');
      ensureNotBeforeStart(state, command.on, 'A contact');
      return [
        {
          type: 'ContactOutsideMeetingsReported',
          data: { networkId, between, on: command.on, personal: { subjectId: networkId, kind: command.kind } },
        },
      ];
    }

    case 'RecordHelpExchange': {
      ensure(command.helperId !== command.helpedId, 'Help is exchanged between two different members');
      ensureMembers(state, [command.helperId, command.helpedId], 'Helper and helped');
      return [
        {
          type: 'HelpExchanged',
          data: {
            networkId,
            helperId: command.helperId,
            helpedId: command.helpedId,
            on: command.on,
            personal: { subjectId: command.helperId, talent: command.talent },
          },
        },
      ];
    }

    case 'AgreePlan': {
      ensure(state.focalParticipantId !== undefined, 'A plan with agreements belongs to a support circle (steunkring)');
      ensure(command.agreements.length > 0, 'A plan holds at least one agreement');
      ensureMembers(
        state,
        command.agreements.map((agreement) => agreement.assigneeId),
        'Everyone who takes on an agreement',
      );
      ensureNotBeforeStart(state, command.agreedOn, 'A plan');
      return [
        {
          type: 'PlanAgreed',
          data: {
            networkId,
            planId: command.planId,
            agreedOn: command.agreedOn,
            agreements: command.agreements.map(({ agreementId, assigneeId, dueOn }) => ({
              agreementId,
              assigneeId,
              ...(dueOn ? { dueOn } : {}),
            })),
            personal: {
              subjectId: state.focalParticipantId,
              tasks: Object.fromEntries(command.agreements.map(({ agreementId, task }) => [agreementId, task])),
            },
          },
        },
      ];
    }

    case 'CompleteAgreement': {
      const agreement = state.agreements.get(command.agreementId);
      if (!agreement) throw notFound(`The current plan has no agreement ${command.agreementId}`);
      ensure(!agreement.completed, `Agreement ${command.agreementId} is already completed`);
      return [
        {
          type: 'AgreementCompleted',
          data: { networkId, agreementId: command.agreementId, completedOn: command.completedOn },
        },
      ];
    }

    case 'CloseNetwork':
      ensureNotBeforeStart(state, command.closedOn, 'Closing');
      return [
        {
          type: 'NetworkClosed',
          data: { networkId, closedOn: command.closedOn, personal: { subjectId: networkId, reason: command.reason } },
        },
      ];
  }
}

function start(command: Extract<NetworkCommand, { type: 'StartNetwork' }>, state: NetworkState): NetworkEvent[] {
  ensure(state.status === 'unknown', `Network ${command.networkId} has already been started`);
  const { networkId, name, method, municipality, purpose, funding, cadenceWeeks, startedOn, focalParticipantId } = command;
  if (method === 'SUPPORT_CIRCLE') {
    ensure(focalParticipantId !== undefined, 'A support circle (steunkring) is formed around one resident: focalParticipantId is required');
    ensureMayBeNamed(command.focal ?? 'unknown', focalParticipantId);
  } else {
    ensure(focalParticipantId === undefined, 'Only a support circle has a focal resident');
  }
  const started: NetworkEvent = {
    type: 'NetworkStarted',
    data: {
      networkId,
      name,
      method,
      municipality,
      purpose,
      funding,
      cadenceWeeks,
      startedOn,
      ...(focalParticipantId ? { focalParticipantId } : {}),
    },
  };
  if (!focalParticipantId) return [started];
  // The resident is the circle's first member: everything else in a steunkring is chosen by them.
  return [
    started,
    {
      type: 'ParticipantJoined',
      data: { networkId, participantId: focalParticipantId, role: 'PARTICIPANT', joinedOn: startedOn },
    },
  ];
}

function ensureProgrammeNotOver(state: KnownNetwork, rules: MethodRules): void {
  if (rules.programmeMeetings === undefined) return;
  ensure(state.meetings.size < rules.programmeMeetings, `The ${rules.name} programme of ${rules.programmeMeetings} meetings is complete`);
}

const followUpKey = (meetingId: string, participantId: string): string => `${meetingId}/${participantId}`;

function evolve(state: NetworkState, event: NetworkEvent): NetworkState {
  if (event.type === 'NetworkStarted') {
    const { networkId, method, startedOn, focalParticipantId } = event.data;
    return {
      status: 'open',
      networkId,
      method,
      startedOn,
      focalParticipantId,
      facilitators: [],
      members: new Map(),
      meetings: GrowingMap.empty(),
      followedUp: GrowingMap.empty(),
      agreements: new Map(),
    };
  }
  if (state.status === 'unknown') return state;
  switch (event.type) {
    case 'FacilitatorAssigned': {
      const others = state.facilitators.filter((id) => id !== event.data.replacesStaffId);
      return { ...state, facilitators: [...others, event.data.staffId] };
    }
    case 'ParticipantJoined':
      return {
        ...state,
        members: new Map(state.members).set(event.data.participantId, { role: event.data.role, joinedOn: event.data.joinedOn }),
      };
    case 'NeighbourInvolved':
      return {
        ...state,
        members: new Map(state.members).set(event.data.participantId, { role: 'NEIGHBOUR', joinedOn: event.data.involvedOn }),
      };
    case 'ParticipantLeft': {
      const members = new Map(state.members);
      members.delete(event.data.participantId);
      return { ...state, members };
    }
    case 'MeetingHeld': {
      const meeting: MeetingRecord = { heldOn: event.data.heldOn, absent: new Set(event.data.absent) };
      return { ...state, meetings: state.meetings.with(event.data.meetingId, meeting) };
    }
    case 'AbsenceFollowedUp': {
      const key = followUpKey(event.data.meetingId, event.data.participantId);
      if (!state.meetings.has(event.data.meetingId) || state.followedUp.has(key)) return state;
      return { ...state, followedUp: state.followedUp.with(key, true) };
    }
    case 'PlanAgreed':
      // One plan at a time: a newly agreed plan replaces the previous one and its agreements.
      return { ...state, agreements: new Map(event.data.agreements.map(({ agreementId }) => [agreementId, { completed: false }])) };
    case 'AgreementCompleted':
      return { ...state, agreements: new Map(state.agreements).set(event.data.agreementId, { completed: true }) };
    case 'NetworkClosed':
      return { ...state, status: 'closed' };
    case 'NeighbourGuided':
    case 'ContactOutsideMeetingsReported':
    case 'HelpExchanged':
      return state;
  }
}

export const networkDecider: Decider<NetworkCommand, NetworkEvent, NetworkState> = {
  initialState: { status: 'unknown' },
  decide,
  evolve,
};
