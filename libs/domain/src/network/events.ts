import type { DomainEvent, IsoDate } from '../shared/decider';

export type CircleMethod = 'PEER_NETWORK' | 'SUPPORT_CIRCLE' | 'ATELIER' | 'QUESTION_GROUP';
export type FundingType = 'BESCHIKKING' | 'SUBSIDIE' | 'INDICATIE';
export type MemberRole = 'PARTICIPANT' | 'NEIGHBOUR' | 'EXPERIENCE_EXPERT' | 'CIRCLE_MEMBER' | 'PROFESSIONAL';

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
      { networkId: string; staffId: string; replacesStaffId?: string },
      { subjectId: string; name: string }
    >
  | DomainEvent<
      'ParticipantJoined',
      { networkId: string; participantId: string; role: MemberRole; joinedOn: IsoDate; invitedBy?: string; chosenBy?: string }
    >
  | DomainEvent<'ParticipantLeft', { networkId: string; participantId: string; leftOn: IsoDate }, { subjectId: string; reason: string }>
  | DomainEvent<
      'NeighbourInvolved',
      { networkId: string; participantId: string; involvedOn: IsoDate },
      { subjectId: string; offer: string }
    >
  | DomainEvent<
      'NeighbourGuided',
      { networkId: string; participantId: string; guidedOn: IsoDate; guidedBy: string },
      { subjectId: string; notes: string }
    >
  | DomainEvent<
      'MeetingHeld',
      { networkId: string; meetingId: string; heldOn: IsoDate; attended: string[]; absent: string[]; sequence: number },
      { subjectId: string; activity: string }
    >
  | DomainEvent<
      'AbsenceFollowedUp',
      { networkId: string; meetingId: string; participantId: string; followedUpBy: string },
      { subjectId: string; outcome: string }
    >
  | DomainEvent<
      'ContactOutsideMeetingsReported',
      { networkId: string; between: string[]; on: IsoDate },
      { subjectId: string; kind: string }
    >
  | DomainEvent<
      'HelpExchanged',
      { networkId: string; helperId: string; helpedId: string; on: IsoDate },
      { subjectId: string; talent: string }
    >
  | DomainEvent<
      'PlanAgreed',
      { networkId: string; planId: string; agreedOn: IsoDate; agreements: Agreement[] },
      { subjectId: string; tasks: Record<string, string> }
    >
  | DomainEvent<'AgreementCompleted', { networkId: string; agreementId: string; completedOn: IsoDate }>
  | DomainEvent<'NetworkClosed', { networkId: string; closedOn: IsoDate }, { subjectId: string; reason: string }>;

export const networkEventVersions: Record<NetworkEvent['type'], number> = {
  NetworkStarted: 1,
  FacilitatorAssigned: 1,
  ParticipantJoined: 1,
  ParticipantLeft: 1,
  NeighbourInvolved: 1,
  NeighbourGuided: 1,
  MeetingHeld: 1,
  AbsenceFollowedUp: 1,
  ContactOutsideMeetingsReported: 1,
  HelpExchanged: 1,
  PlanAgreed: 1,
  AgreementCompleted: 1,
  NetworkClosed: 1,
};
