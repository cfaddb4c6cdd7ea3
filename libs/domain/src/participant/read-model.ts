/**
 * Read models of the participant stream: the care timeline (afschaling: how individual professional
 * contact was scaled down as the network took over) and who knew which shared information when.
 */
import type { IsoDate } from '../shared/decider';
import type { Sealed, SearchHash } from '../shared/personal';
import { collection, type Projected, projection, schemasOf } from '../shared/projection';
import { AccessEvent, accessEventSchemas } from '../access/events';
import { ParticipantEvent, participantEventSchemas } from './events';

type Event = Projected<ParticipantEvent>;
const CARE_EVENTS = ['ParticipantRegistered', 'IndividualSupportSet', 'SupportScaledDown', 'SupportScaledUp'] as const;
type CareEvent = Extract<Event, { type: (typeof CARE_EVENTS)[number] }>;

export type SupportDirection = 'SET' | 'DOWN' | 'UP';

export interface SupportChangeView {
  on: IsoDate;
  fromEveryWeeks: number | null;
  toEveryWeeks: number;
  direction: SupportDirection;
  reason: Sealed | null;
}

export interface CareDoc {
  participantId: string;
  municipality: string | null;
  changes: SupportChangeView[];
}

const WEEKS_PER_YEAR = 52;

/** Individual contacts a year at a frequency of once every N weeks. */
export const contactsPerYear = (everyWeeks: number | null): number | null => (everyWeeks ? WEEKS_PER_YEAR / everyWeeks : null);
export const firstEveryWeeks = (care: CareDoc): number | null => care.changes[0]?.toEveryWeeks ?? null;
export const currentEveryWeeks = (care: CareDoc): number | null => care.changes.at(-1)?.toEveryWeeks ?? null;

export const careDocs = collection<CareEvent, CareDoc>()({
  name: 'support',
  columns: { municipality: { type: 'text', of: (c) => c.municipality } },
  keys: (e) => ((CARE_EVENTS as readonly string[]).includes(e.type) ? [(e.data as { participantId: string }).participantId] : []),
  evolve(doc, e, participantId) {
    const care: CareDoc = doc ?? { participantId, municipality: null, changes: [] };
    switch (e.type) {
      case 'ParticipantRegistered':
        care.municipality = e.data.municipality;
        return care;
      case 'IndividualSupportSet':
        care.changes.push({ on: e.data.on, fromEveryWeeks: null, toEveryWeeks: e.data.everyWeeks, direction: 'SET', reason: null });
        return care;
      case 'SupportScaledDown':
      case 'SupportScaledUp':
        care.changes.push({
          on: e.data.on,
          fromEveryWeeks: e.data.fromEveryWeeks,
          toEveryWeeks: e.data.toEveryWeeks,
          direction: e.type === 'SupportScaledDown' ? 'DOWN' : 'UP',
          reason: e.data.personal.reason,
        });
        return care;
      default:
        return doc;
    }
  },
});

export interface ScaleDownFigures {
  participantsWithSupport: number;
  scaledDown: number;
  scaledUp: number;
  contactsPerYearSaved: number;
}

/** Afschaling over many participants: who now sees a professional less often, and the contacts a year that saves. */
export function scaleDownSummaryOf(timelines: readonly CareDoc[]): ScaleDownFigures {
  const figures: ScaleDownFigures = { participantsWithSupport: 0, scaledDown: 0, scaledUp: 0, contactsPerYearSaved: 0 };
  for (const care of timelines) {
    const first = firstEveryWeeks(care);
    const current = currentEveryWeeks(care);
    if (first === null || current === null) continue;
    figures.participantsWithSupport++;
    if (current > first) figures.scaledDown++;
    if (current < first) figures.scaledUp++;
    figures.contactsPerYearSaved += contactsPerYear(first)! - contactsPerYear(current)!;
  }
  return figures;
}

export const careProjection = projection<CareEvent>()({
  name: 'care',
  // 2: reasons are stored sealed.
  version: 2,
  events: schemasOf(participantEventSchemas, ...CARE_EVENTS),
  collections: [careDocs],
});

/** TOLD: the participant shared it with them; READ_RECORD: they read it through the system. */
export const KNOWLEDGE_SOURCES = ['TOLD', 'READ_RECORD'] as const;
export type KnowledgeSource = (typeof KNOWLEDGE_SOURCES)[number];

export interface KnowerView {
  personId: string;
  source: KnowledgeSource;
  /** When the log recorded the sharing or the read (ISO instant): what the system knew, and since when. */
  since: string;
  until: string | null;
}

/**
 * Per participant, per topic: everyone it was shared with, and when that ended. Topics are known by
 * their search hash only (keyed per participant), so this model holds no topic in any readable form
 * and loses the link to it once the participant's key is destroyed.
 */
export interface KnowledgeDoc {
  topics: Record<SearchHash, KnowerView[]>;
}

type KnowledgeEvent = Extract<Event, { type: 'InformationShared' | 'InformationUnshared' }> | Projected<AccessEvent>;

/** A successful read of a topic through the system makes the reader someone who knows it, from then on. */
const topicRead = (e: KnowledgeEvent) =>
  e.type === 'RecordAccessed' && e.data.outcome === 'SUCCESS' && e.data.personal.topicHash !== undefined;

/** The hash a topic is filed under; a topic stored after its subject was forgotten has none, and is filed nowhere. */
const topicOf = (e: { data: { personal: { topicHash?: SearchHash } } }): SearchHash | undefined => e.data.personal.topicHash;

export const knowledgeDocs = collection<KnowledgeEvent, KnowledgeDoc>()({
  name: 'knowledge',
  columns: {},
  keys(e) {
    if (e.type === 'InformationShared' || e.type === 'InformationUnshared') return topicOf(e) ? [e.data.participantId] : [];
    return e.type === 'RecordAccessed' && topicRead(e) ? [e.data.subjectId] : [];
  },
  evolve(doc = { topics: {} }, e) {
    const at = e.recordedAt.toISOString();
    const knowersOf = (topic: SearchHash) => (doc.topics[topic] ??= []);
    switch (e.type) {
      case 'InformationShared':
        knowersOf(topicOf(e)!).push(
          ...e.data.sharedWith.map((personId) => ({ personId, source: 'TOLD' as const, since: at, until: null })),
        );
        return doc;
      case 'InformationUnshared':
        for (const knower of knowersOf(topicOf(e)!)) if (knower.until === null && e.data.from.includes(knower.personId)) knower.until = at;
        return doc;
      case 'RecordAccessed': {
        const knowers = knowersOf(topicOf(e)!);
        // Reading it again teaches nothing new: since stays the first read.
        if (!knowers.some((k) => k.personId === e.data.actorId && k.source === 'READ_RECORD' && k.until === null))
          knowers.push({ personId: e.data.actorId, source: 'READ_RECORD', since: at, until: null });
        return doc;
      }
      default:
        return doc;
    }
  },
});

export const knowledgeProjection = projection<KnowledgeEvent>()({
  name: 'knowledge',
  // 3: topics filed by their search hash.
  version: 3,
  events: { ...schemasOf(participantEventSchemas, 'InformationShared', 'InformationUnshared'), ...accessEventSchemas },
  collections: [knowledgeDocs],
});

/** Who knew the topic (by its search hash) at `at` (an ISO instant), or everyone who ever knew it without `at`. */
export function knowersAt(doc: KnowledgeDoc | undefined, topic: SearchHash, at?: string): KnowerView[] {
  const knowers = doc?.topics[topic] ?? [];
  if (at === undefined) return knowers;
  const instant = Date.parse(at);
  return knowers.filter((k) => Date.parse(k.since) <= instant && (k.until === null || Date.parse(k.until) > instant));
}
