import type { EventSchemas } from '../shared/event-schema';
import type { DomainEvent, IsoDate } from '../shared/decider';

/** The four methods: Samen Sterk, steunkring (Samen Sterker in de Wijk), Samenkracht, vraaggroep (Zwolle). */
export const CIRCLE_METHODS = ['PEER_NETWORK', 'SUPPORT_CIRCLE', 'ATELIER', 'QUESTION_GROUP'] as const;
export type CircleMethod = (typeof CIRCLE_METHODS)[number];
export const FUNDING_TYPES = ['BESCHIKKING', 'SUBSIDIE', 'INDICATIE'] as const;
export type FundingType = (typeof FUNDING_TYPES)[number];
/** NEIGHBOUR: goede buur; EXPERIENCE_EXPERT: ervaringsdeskundige; CIRCLE_MEMBER: someone the resident chose for their steunkring. */
export const MEMBER_ROLES = ['PARTICIPANT', 'NEIGHBOUR', 'EXPERIENCE_EXPERT', 'CIRCLE_MEMBER', 'PROFESSIONAL'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface Agreement {
  agreementId: string;
  /** The member who takes it on. */
  assigneeId: string;
  dueOn?: IsoDate;
}

/** What a network is, as set when it starts. */
export interface NetworkCharter {
  networkId: string;
  name: string;
  method: CircleMethod;
  municipality: string;
  purpose: string;
  funding: FundingType;
  cadenceWeeks: number;
  startedOn: IsoDate;
  /** Support circles only: the resident (inwoner) the circle is for. */
  focalParticipantId?: string;
}

/**
 * Events of one network's stream (`network-<id>`): the circle's life, for all four methods.
 * Free text sits in `personal`, sealed for the person it describes (reasons, offers, outcomes, names),
 * or for the network itself when it describes the group (an activity, a kind of contact, why it closed):
 * people write names into such text too. A network's name, purpose and municipality stay in `data`:
 * they describe a programme, and figures are grouped by them.
 */
export type NetworkEvent =
  | DomainEvent<'NetworkStarted', NetworkCharter>
  | DomainEvent<
      'FacilitatorAssigned',
      { networkId: string; staffId: string; replacesStaffId?: string; personal: { subjectId: string; name: string } }
    >
  | DomainEvent<
      'ParticipantJoined',
      { networkId: string; participantId: string; role: MemberRole; joinedOn: IsoDate; invitedBy?: string; chosenBy?: string }
    >
  | DomainEvent<
      'ParticipantLeft',
      { networkId: string; participantId: string; leftOn: IsoDate; personal: { subjectId: string; reason: string } }
    >
  | DomainEvent<
      'NeighbourInvolved',
      { networkId: string; participantId: string; involvedOn: IsoDate; personal: { subjectId: string; offer: string } }
    >
  | DomainEvent<
      'NeighbourGuided',
      { networkId: string; participantId: string; guidedOn: IsoDate; guidedBy: string; personal: { subjectId: string; notes: string } }
    >
  | DomainEvent<
      'MeetingHeld',
      {
        networkId: string;
        meetingId: string;
        heldOn: IsoDate;
        attended: string[];
        absent: string[];
        /** Optional since they were added (events before hold neither): afgemeld, and presence not known. */
        excused?: string[];
        presenceUnknown?: string[];
        sequence: number;
        personal: { subjectId: string; activity: string };
      }
    >
  | DomainEvent<
      'AbsenceFollowedUp',
      {
        networkId: string;
        meetingId: string;
        participantId: string;
        followedUpBy: string;
        personal: { subjectId: string; outcome: string };
      }
    >
  | DomainEvent<
      'ContactOutsideMeetingsReported',
      { networkId: string; between: string[]; on: IsoDate; personal: { subjectId: string; kind: string } }
    >
  | DomainEvent<
      'HelpExchanged',
      { networkId: string; helperId: string; helpedId: string; on: IsoDate; personal: { subjectId: string; talent: string } }
    >
  | DomainEvent<
      'PlanAgreed',
      {
        networkId: string;
        planId: string;
        agreedOn: IsoDate;
        agreements: Agreement[];
        personal: { subjectId: string; tasks: Record<string, string> };
      }
    >
  | DomainEvent<'AgreementCompleted', { networkId: string; agreementId: string; completedOn: IsoDate }>
  | DomainEvent<'NetworkClosed', { networkId: string; closedOn: IsoDate; personal: { subjectId: string; reason: string } }>;

/** Each event's schema version and fields, checked on every read (see shared/event-schema.ts). */
export const networkEventSchemas: EventSchemas<NetworkEvent> = {
  NetworkStarted: {
    version: 1,
    data: {
      networkId: 'string',
      name: 'string',
      method: 'string',
      municipality: 'string',
      purpose: 'string',
      funding: 'string',
      cadenceWeeks: 'number',
      startedOn: 'date',
      focalParticipantId: 'string?',
    },
  },
  FacilitatorAssigned: {
    version: 1,
    data: { networkId: 'string', staffId: 'string', replacesStaffId: 'string?' },
    personal: { name: 'text' },
  },
  ParticipantJoined: {
    version: 1,
    data: { networkId: 'string', participantId: 'string', role: 'string', joinedOn: 'date', invitedBy: 'string?', chosenBy: 'string?' },
  },
  ParticipantLeft: { version: 1, data: { networkId: 'string', participantId: 'string', leftOn: 'date' }, personal: { reason: 'text' } },
  NeighbourInvolved: {
    version: 1,
    data: { networkId: 'string', participantId: 'string', involvedOn: 'date' },
    personal: { offer: 'text' },
  },
  NeighbourGuided: {
    version: 1,
    data: { networkId: 'string', participantId: 'string', guidedOn: 'date', guidedBy: 'string' },
    personal: { notes: 'text' },
  },
  MeetingHeld: {
    version: 1,
    data: {
      networkId: 'string',
      meetingId: 'string',
      heldOn: 'date',
      attended: 'strings',
      absent: 'strings',
      excused: 'strings?',
      presenceUnknown: 'strings?',
      sequence: 'number',
    },
    personal: { activity: 'text' },
  },
  AbsenceFollowedUp: {
    version: 1,
    data: { networkId: 'string', meetingId: 'string', participantId: 'string', followedUpBy: 'string' },
    personal: { outcome: 'text' },
  },
  ContactOutsideMeetingsReported: { version: 1, data: { networkId: 'string', between: 'strings', on: 'date' }, personal: { kind: 'text' } },
  HelpExchanged: {
    version: 1,
    data: { networkId: 'string', helperId: 'string', helpedId: 'string', on: 'date' },
    personal: { talent: 'text' },
  },
  PlanAgreed: {
    version: 1,
    data: { networkId: 'string', planId: 'string', agreedOn: 'date', agreements: 'list' },
    personal: { tasks: 'texts' },
  },
  AgreementCompleted: { version: 1, data: { networkId: 'string', agreementId: 'string', completedOn: 'date' } },
  NetworkClosed: { version: 1, data: { networkId: 'string', closedOn: 'date' }, personal: { reason: 'text' } },
};
