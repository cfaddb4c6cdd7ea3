/**
 * What municipalities fund these methods for, in figures: do networks grow and keep their members, do
 * people meet and see each other outside meetings, does individual professional contact go down, how
 * do referrals to buddy programmes end, and do loneliness (DJG-6) and self-reliance (ZRM) change.
 *
 * A fold over the log in its order (events from `add`, then `report`): the CLI and the API's `impact`
 * query share it, so two evaluators replaying the same log get the same numbers. Dates inside the
 * events place them in the period; figures about a person count only people who consented to
 * evaluation (and were not forgotten); figures about networks count every member, as numbers only.
 */
import type { IsoDate } from '../shared/decider';
import type { AnySchema } from '../shared/event-schema';
import { asEventOf, type Projected, type StoredEvent } from '../shared/projection';
import { networkEventSchemas, type NetworkEvent } from '../network/events';
import { participantEventSchemas, type ParticipantEvent } from '../participant/events';
import { referralEventSchemas, type ReferralEvent } from '../referral/events';

export const IMPACT_GROUPINGS = ['municipality', 'method', 'funding', 'cohort'] as const;
export type ImpactGrouping = (typeof IMPACT_GROUPINGS)[number];

type ImpactEvent = Projected<
  | Extract<
      NetworkEvent,
      {
        type:
          | 'NetworkStarted'
          | 'ParticipantJoined'
          | 'ParticipantLeft'
          | 'NeighbourInvolved'
          | 'MeetingHeld'
          | 'ContactOutsideMeetingsReported';
      }
    >
  | Extract<
      ParticipantEvent,
      {
        type:
          | 'ParticipantRegistered'
          | 'IndividualSupportSet'
          | 'SupportScaledDown'
          | 'SupportScaledUp'
          | 'OutcomeMeasured'
          | 'ConsentGiven'
          | 'ConsentWithdrawn'
          | 'ParticipantForgotten';
      }
    >
  | ReferralEvent
>;

export const IMPACT_EVENT_SCHEMAS: Readonly<Record<ImpactEvent['type'], AnySchema>> = {
  NetworkStarted: networkEventSchemas.NetworkStarted,
  ParticipantJoined: networkEventSchemas.ParticipantJoined,
  ParticipantLeft: networkEventSchemas.ParticipantLeft,
  NeighbourInvolved: networkEventSchemas.NeighbourInvolved,
  MeetingHeld: networkEventSchemas.MeetingHeld,
  ContactOutsideMeetingsReported: networkEventSchemas.ContactOutsideMeetingsReported,
  ParticipantRegistered: participantEventSchemas.ParticipantRegistered,
  IndividualSupportSet: participantEventSchemas.IndividualSupportSet,
  SupportScaledDown: participantEventSchemas.SupportScaledDown,
  SupportScaledUp: participantEventSchemas.SupportScaledUp,
  OutcomeMeasured: participantEventSchemas.OutcomeMeasured,
  ConsentGiven: participantEventSchemas.ConsentGiven,
  ConsentWithdrawn: participantEventSchemas.ConsentWithdrawn,
  ParticipantForgotten: participantEventSchemas.ParticipantForgotten,
  ReferredToBuddyProgramme: referralEventSchemas.ReferredToBuddyProgramme,
  ReferralClosed: referralEventSchemas.ReferralClosed,
};

/** The figures of one group (or of all), in the order reports show them. */
export interface ImpactFigures {
  group: string;
  networks: number;
  membersAtStart: number;
  joined: number;
  left: number;
  membersAtEnd: number;
  /** Of everyone who was a member at some point in the period, the share still a member at its end. */
  retention: number | null;
  meetings: number;
  /** Attended over attended plus absent, over the period's meetings. */
  attendance: number | null;
  outsideContacts: number;
  peopleWithSupport: number;
  scaledDown: number;
  scaledDownShare: number | null;
  medianDaysToScaleDown: number | null;
  /** Individual contacts a year no longer needed at the end of the period: Σ 52/first frequency − 52/frequency then. */
  contactsPerYearSaved: number;
  referrals: number;
  referralsMatched: number;
  referralsDeclined: number;
  referralsEnded: number;
  referralsOpen: number;
  medianDaysToMatch: number | null;
  djg6People: number;
  djg6MeanChange: number | null;
  zrmPeople: number;
  zrmMeanChange: number | null;
}

/** What the report's charts draw per month: network figures only (people's figures need the whole period). */
export type MonthlySeries = Array<{
  month: string;
  figures: Array<Pick<ImpactFigures, 'group' | 'membersAtEnd' | 'meetings' | 'attendance' | 'outsideContacts'>>;
}>;

export interface ImpactReport {
  from: IsoDate;
  to: IsoDate;
  by: ImpactGrouping | null;
  /** One per group, by name; none without a grouping. */
  groups: ImpactFigures[];
  total: ImpactFigures;
}

export const IMPACT_COLUMNS: ReadonlyArray<keyof ImpactFigures> = [
  'group',
  'networks',
  'membersAtStart',
  'joined',
  'left',
  'membersAtEnd',
  'retention',
  'meetings',
  'attendance',
  'outsideContacts',
  'peopleWithSupport',
  'scaledDown',
  'scaledDownShare',
  'medianDaysToScaleDown',
  'contactsPerYearSaved',
  'referrals',
  'referralsMatched',
  'referralsDeclined',
  'referralsEnded',
  'referralsOpen',
  'medianDaysToMatch',
  'djg6People',
  'djg6MeanChange',
  'zrmPeople',
  'zrmMeanChange',
];

interface NetworkFacts {
  municipality: string;
  method: string;
  funding: string;
  startedOn: IsoDate;
  memberships: Array<{ role: string; joinedOn: IsoDate; leftOn?: IsoDate; participantId: string }>;
  meetings: Array<{ heldOn: IsoDate; attended: number; absent: number }>;
  contacts: IsoDate[];
}

interface PersonFacts {
  municipality: string;
  consent: boolean;
  forgotten: boolean;
  firstNetwork?: string;
  firstJoinedOn?: IsoDate;
  support: Array<{ on: IsoDate; everyWeeks: number; down: boolean }>;
  outcomes: Record<string, Array<{ on: IsoDate; score: number }>>;
}

interface ReferralFacts {
  participantId: string;
  referredOn: IsoDate;
  status?: string;
  closedOn?: IsoDate;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: IsoDate, to: IsoDate) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const share = (part: number, whole: number) => (whole === 0 ? null : round(part / whole, 3));
const mean = (values: number[]) => (values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 2));
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : round((sorted[middle - 1] + sorted[middle]) / 2, 1);
}
const within = (date: IsoDate | undefined, from: IsoDate, to: IsoDate) => date !== undefined && date >= from && date <= to;
const memberOn = (m: { joinedOn: IsoDate; leftOn?: IsoDate }, day: IsoDate) =>
  m.joinedOn <= day && (m.leftOn === undefined || m.leftOn > day);

export class ImpactCalculator {
  private readonly networks = new Map<string, NetworkFacts>();
  private readonly people = new Map<string, PersonFacts>();
  private readonly referrals = new Map<string, ReferralFacts>();

  /** Takes the next event of the log; events no figure needs pass by (so do those of other kinds of stream). */
  add(stored: StoredEvent): void {
    if (!Object.hasOwn(IMPACT_EVENT_SCHEMAS, stored.type)) return;
    const event = asEventOf<ImpactEvent>(IMPACT_EVENT_SCHEMAS, stored);
    switch (event.type) {
      case 'NetworkStarted': {
        const { networkId, municipality, method, funding, startedOn } = event.data;
        this.networks.set(networkId, { municipality, method, funding, startedOn, memberships: [], meetings: [], contacts: [] });
        return;
      }
      case 'ParticipantJoined':
      case 'NeighbourInvolved': {
        const { networkId, participantId } = event.data;
        const joinedOn = event.type === 'ParticipantJoined' ? event.data.joinedOn : event.data.involvedOn;
        const role = event.type === 'ParticipantJoined' ? event.data.role : 'NEIGHBOUR';
        this.networks.get(networkId)?.memberships.push({ role, joinedOn, participantId });
        const person = this.people.get(participantId);
        if (person && person.firstNetwork === undefined && role !== 'PROFESSIONAL') {
          person.firstNetwork = networkId;
          person.firstJoinedOn = joinedOn;
        }
        return;
      }
      case 'ParticipantLeft': {
        const memberships = this.networks.get(event.data.networkId)?.memberships ?? [];
        const current = memberships.filter((m) => m.participantId === event.data.participantId && m.leftOn === undefined).at(-1);
        if (current) current.leftOn = event.data.leftOn;
        return;
      }
      case 'MeetingHeld':
        this.networks
          .get(event.data.networkId)
          ?.meetings.push({ heldOn: event.data.heldOn, attended: event.data.attended.length, absent: event.data.absent.length });
        return;
      case 'ContactOutsideMeetingsReported':
        this.networks.get(event.data.networkId)?.contacts.push(event.data.on);
        return;
      case 'ParticipantRegistered':
        this.people.set(event.data.participantId, {
          municipality: event.data.municipality,
          consent: event.data.consentToEvaluation,
          forgotten: false,
          support: [],
          outcomes: {},
        });
        return;
      case 'ConsentGiven':
      case 'ConsentWithdrawn': {
        const person = this.people.get(event.data.participantId);
        if (person && event.data.purpose === 'evaluation') person.consent = event.type === 'ConsentGiven';
        return;
      }
      case 'ParticipantForgotten': {
        const person = this.people.get(event.data.participantId);
        if (person) person.forgotten = true;
        return;
      }
      case 'IndividualSupportSet':
      case 'SupportScaledDown':
      case 'SupportScaledUp': {
        const everyWeeks = event.type === 'IndividualSupportSet' ? event.data.everyWeeks : event.data.toEveryWeeks;
        this.people
          .get(event.data.participantId)
          ?.support.push({ on: event.data.on, everyWeeks, down: event.type === 'SupportScaledDown' });
        return;
      }
      case 'OutcomeMeasured': {
        const person = this.people.get(event.data.participantId);
        if (person) (person.outcomes[event.data.instrument] ??= []).push({ on: event.data.measuredOn, score: event.data.score });
        return;
      }
      case 'ReferredToBuddyProgramme':
        this.referrals.set(event.data.referralId, { participantId: event.data.participantId, referredOn: event.data.referredOn });
        return;
      case 'ReferralClosed': {
        const referral = this.referrals.get(event.data.referralId);
        if (referral) Object.assign(referral, { status: event.data.status, closedOn: event.data.closedOn });
        return;
      }
    }
  }

  /** The first and last business date in the events taken (null before any dated one): the default period of a report. */
  period(): { from: IsoDate; to: IsoDate } | null {
    const dates = [
      ...[...this.networks.values()].flatMap((network) => [
        network.startedOn,
        ...network.memberships.flatMap((m) => (m.leftOn === undefined ? [m.joinedOn] : [m.joinedOn, m.leftOn])),
        ...network.meetings.map((meeting) => meeting.heldOn),
        ...network.contacts,
      ]),
      ...[...this.people.values()].flatMap((person) => [
        ...person.support.map((change) => change.on),
        ...Object.values(person.outcomes).flatMap((measured) => measured.map((m) => m.on)),
      ]),
      ...[...this.referrals.values()].flatMap((r) => (r.closedOn === undefined ? [r.referredOn] : [r.referredOn, r.closedOn])),
    ];
    if (dates.length === 0) return null;
    return dates.reduce((period, date) => ({ from: date < period.from ? date : period.from, to: date > period.to ? date : period.to }), {
      from: dates[0],
      to: dates[0],
    });
  }

  /**
   * The network figures of each month in the period (cut to it), per group (or in total without a
   * grouping): the series behind the report's charts. One pass over the facts, whatever the number of
   * months; the same rules as `report` (members on the month's last day, meetings and contacts in it).
   */
  months(from: IsoDate, to: IsoDate, by: ImpactGrouping | null = null): MonthlySeries {
    const periods = monthsOf(from, to);
    const index = new Map(periods.map((period, i) => [period.month, i]));
    const monthOf = (date: IsoDate) => {
      const i = index.get(date.slice(0, 7));
      return i !== undefined && within(date, periods[i].from, periods[i].to) ? i : undefined;
    };
    const tallies = new Map<string, Array<{ members: number; meetings: number; attended: number; expected: number; contacts: number }>>();
    for (const network of this.networks.values()) {
      if (network.startedOn > to) continue;
      const group = by === null ? 'total' : this.groupOfNetwork(network, by);
      if (!tallies.has(group))
        tallies.set(
          group,
          periods.map(() => ({ members: 0, meetings: 0, attended: 0, expected: 0, contacts: 0 })),
        );
      const rows = tallies.get(group)!;
      const members = network.memberships.filter((m) => m.role !== 'PROFESSIONAL');
      periods.forEach((period, i) => (rows[i].members += members.filter((m) => memberOn(m, period.to)).length));
      for (const meeting of network.meetings) {
        const i = monthOf(meeting.heldOn);
        if (i === undefined) continue;
        rows[i].meetings++;
        rows[i].attended += meeting.attended;
        rows[i].expected += meeting.attended + meeting.absent;
      }
      for (const on of network.contacts) {
        const i = monthOf(on);
        if (i !== undefined) rows[i].contacts++;
      }
    }
    const groups = [...tallies.keys()].sort();
    return periods.map((period, i) => ({
      month: period.month,
      figures: groups.map((group) => {
        const row = tallies.get(group)![i];
        return {
          group,
          membersAtEnd: row.members,
          meetings: row.meetings,
          attendance: share(row.attended, row.expected),
          outsideContacts: row.contacts,
        };
      }),
    }));
  }

  report(from: IsoDate, to: IsoDate, by: ImpactGrouping | null = null): ImpactReport {
    return { from, to, by, ...this.figuresIn(from, to, by) };
  }

  private groupOfNetwork(network: NetworkFacts, by: ImpactGrouping): string {
    return by === 'cohort' ? network.startedOn.slice(0, 4) : network[by];
  }

  /** The figures of each group (none without a grouping) and of all. */
  private figuresIn(from: IsoDate, to: IsoDate, by: ImpactGrouping | null): { groups: ImpactFigures[]; total: ImpactFigures } {
    const groupOfNetwork = (network: NetworkFacts) => (by === null ? 'all' : this.groupOfNetwork(network, by));
    const groupOfPerson = (person: PersonFacts): string | undefined => {
      if (by === null) return 'all';
      if (by === 'municipality') return person.municipality;
      const network = person.firstNetwork === undefined ? undefined : this.networks.get(person.firstNetwork);
      if (by === 'cohort') return person.firstJoinedOn?.slice(0, 4);
      return network?.[by];
    };
    const networks = [...this.networks.values()].filter((network) => network.startedOn <= to);
    const people = [...this.people.entries()].filter(([, person]) => person.consent && !person.forgotten);
    const groups = new Set<string>([
      ...networks.map(groupOfNetwork),
      ...people.map(([, p]) => groupOfPerson(p)).filter((g) => g !== undefined),
    ]);
    const figuresOf = (group: string | undefined): ImpactFigures => {
      const inGroup = group === undefined ? () => true : (g: string | undefined) => g === group;
      const ns = networks.filter((network) => inGroup(groupOfNetwork(network)));
      const ps = people.filter(([, person]) => inGroup(groupOfPerson(person)));
      return figures(group ?? 'total', ns, ps, this.referrals, from, to);
    };
    return { groups: by === null ? [] : [...groups].sort().map(figuresOf), total: figuresOf(undefined) };
  }
}

/** The months a period touches, each cut to it: 2025-01-15 to 2025-02-10 is 2025-01 from the 15th, then 2025-02 to the 10th. */
export function monthsOf(from: IsoDate, to: IsoDate): Array<{ month: string; from: IsoDate; to: IsoDate }> {
  const months = [];
  for (let year = Number(from.slice(0, 4)), month = Number(from.slice(5, 7)); ; month === 12 ? (year++, (month = 1)) : month++) {
    const name = `${year}-${String(month).padStart(2, '0')}`;
    if (name > to.slice(0, 7)) return months;
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    months.push({ month: name, from: `${name}-01` < from ? from : `${name}-01`, to: last > to ? to : last });
  }
}

function figures(
  group: string,
  networks: NetworkFacts[],
  people: Array<[string, PersonFacts]>,
  allReferrals: ReadonlyMap<string, ReferralFacts>,
  from: IsoDate,
  to: IsoDate,
): ImpactFigures {
  // Size counts every role but professionals (as a network's `size` does).
  const memberships = networks.flatMap((network) => network.memberships.filter((m) => m.role !== 'PROFESSIONAL'));
  const inPeriod = memberships.filter((m) => memberOn(m, from) || within(m.joinedOn, from, to));
  const meetings = networks.flatMap((network) => network.meetings.filter((meeting) => within(meeting.heldOn, from, to)));
  const attended = meetings.reduce((sum, meeting) => sum + meeting.attended, 0);
  const expected = meetings.reduce((sum, meeting) => sum + meeting.attended + meeting.absent, 0);

  const supported = people.filter(([, person]) => person.support.length > 0 && person.support[0].on <= to);
  const scaledDown = supported.filter(([, person]) => person.support.some((change) => change.down && within(change.on, from, to)));
  const daysToScaleDown = scaledDown.flatMap(([, person]) => {
    const first = person.support.find((change) => change.down);
    return person.firstJoinedOn && first ? [daysBetween(person.firstJoinedOn, first.on)] : [];
  });
  const saved = supported.reduce((sum, [, person]) => {
    const now = person.support.filter((change) => change.on <= to).at(-1)!;
    return sum + 52 / person.support[0].everyWeeks - 52 / now.everyWeeks;
  }, 0);

  const ids = new Set(people.map(([id]) => id));
  const referrals = [...allReferrals.values()].filter((r) => ids.has(r.participantId) && within(r.referredOn, from, to));
  const statusOn = (r: ReferralFacts) => (r.closedOn !== undefined && r.closedOn <= to ? r.status : 'OPEN');
  const counted = (status: string) => referrals.filter((r) => statusOn(r) === status).length;

  const change = (instrument: string) =>
    people.flatMap(([, person]) => {
      const measured = (person.outcomes[instrument] ?? []).filter((m) => m.on <= to);
      const last = measured.at(-1);
      return measured.length >= 2 && within(last!.on, from, to) ? [last!.score - measured[0].score] : [];
    });
  const [djg6, zrm] = [change('DJG6'), change('ZRM')];

  return {
    group,
    networks: networks.length,
    membersAtStart: memberships.filter((m) => memberOn(m, from)).length,
    joined: memberships.filter((m) => within(m.joinedOn, from, to)).length,
    left: memberships.filter((m) => within(m.leftOn, from, to)).length,
    membersAtEnd: memberships.filter((m) => memberOn(m, to)).length,
    retention: share(inPeriod.filter((m) => memberOn(m, to)).length, inPeriod.length),
    meetings: meetings.length,
    attendance: share(attended, expected),
    outsideContacts: networks.reduce((sum, network) => sum + network.contacts.filter((on) => within(on, from, to)).length, 0),
    peopleWithSupport: supported.length,
    scaledDown: scaledDown.length,
    scaledDownShare: share(scaledDown.length, supported.length),
    medianDaysToScaleDown: median(daysToScaleDown),
    contactsPerYearSaved: round(saved, 1),
    referrals: referrals.length,
    referralsMatched: counted('MATCHED'),
    referralsDeclined: counted('DECLINED'),
    referralsEnded: counted('ENDED'),
    referralsOpen: counted('OPEN'),
    medianDaysToMatch: median(referrals.filter((r) => statusOn(r) === 'MATCHED').map((r) => daysBetween(r.referredOn, r.closedOn!))),
    djg6People: djg6.length,
    djg6MeanChange: mean(djg6),
    zrmPeople: zrm.length,
    zrmMeanChange: mean(zrm),
  };
}

/** The report as CSV: a header, a row per group, then the total; the same report gives the same bytes. */
export function impactCsv(report: ImpactReport): string {
  const cell = (value: unknown) =>
    value === null ? '' : /[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value);
  const rows = [...report.groups, report.total].map((figures) => IMPACT_COLUMNS.map((column) => cell(figures[column])).join(','));
  return `${IMPACT_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
