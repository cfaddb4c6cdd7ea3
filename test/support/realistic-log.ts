import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@kring/event-store';

const METHODS = ['PEER_NETWORK', 'SUPPORT_CIRCLE', 'ATELIER', 'QUESTION_GROUP'] as const;
const MUNICIPALITIES = ['Baarn', 'Soest', 'Zwolle', 'Eemnes', 'Amersfoort'];
const PROGRAMMES = ['maatjesproject Humanitas', 'Buddy Netwerk', 'Maatje in de wijk'];
const WEEKS = 156; // three years of weekly meetings
const WEEKS_PER_APPEND = 13; // a quarter per network per append: networks interleave in the log as in life
const START = Date.UTC(2021, 0, 4);

/** A small deterministic generator, so a bench run and a test run see the same log for the same size. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const dayOf = (week: number, weekday = 0) => new Date(START + (week * 7 + weekday) * 86_400_000).toISOString().slice(0, 10);
const event = (type: string, data: Record<string, unknown>): NewEvent => ({ type, data: data as NewEvent['data'] });
/**
 * Text in the shape the API stores it (`ks1.…`), of the same length as a sealed value, without keys:
 * projections only carry sealed values, so a generated log costs them what a real one does.
 */
const sealed = (text: string) =>
  `ks1.${Buffer.from(text).toString('base64url')}.${'A'.repeat(16)}.${'B'.repeat(Math.ceil(((text.length + 16) * 4) / 3))}`;

/** A network's meeting as the API records it (benches append it past the API, so it must be the real shape). */
export function meetingHeld(networkId: string, sequence: number, heldOn: string, who: { attended: string[]; absent: string[] }): NewEvent {
  return event('MeetingHeld', {
    networkId,
    meetingId: randomUUID(),
    heldOn,
    ...who,
    sequence,
    personal: { subjectId: networkId, activity: sealed('koffie') },
  });
}

interface Person {
  id: string;
  member: boolean;
  everyWeeks: number;
}

/** One network's three years, as the events its coach and participants would have recorded, quarter by quarter. */
function* networkHistory(n: number): Generator<Array<{ streamId: string; events: NewEvent[] }>> {
  const rnd = random(n + 1);
  const method = METHODS[n % METHODS.length];
  const networkId = randomUUID();
  const network = `network-${networkId}`;
  const municipality = MUNICIPALITIES[n % MUNICIPALITIES.length];
  const people: Person[] = Array.from({ length: 8 + Math.floor(rnd() * 5) }, () => ({
    id: randomUUID(),
    member: false,
    everyWeeks: 1 + Math.floor(rnd() * 2),
  }));
  let meetings = 0;
  for (let from = 0; from < WEEKS; from += WEEKS_PER_APPEND) {
    const networkEvents: NewEvent[] = [];
    const byStream = new Map<string, NewEvent[]>();
    const personal = (streamId: string, e: NewEvent) => byStream.set(streamId, [...(byStream.get(streamId) ?? []), e]);
    if (from === 0) {
      networkEvents.push(
        event('NetworkStarted', {
          networkId,
          name: `Kring ${n}`,
          method,
          municipality,
          purpose: 'eenzaamheid bestrijden',
          funding: 'SUBSIDIE',
          cadenceWeeks: 1,
          startedOn: dayOf(0),
        }),
        event('FacilitatorAssigned', {
          networkId,
          staffId: `coach-${n % 40}`,
          personal: { subjectId: `coach-${n % 40}`, name: sealed('Coach') },
        }),
      );
      for (const person of people) {
        personal(
          `participant-${person.id}`,
          event('ParticipantRegistered', {
            participantId: person.id,
            municipality,
            consentToEvaluation: true,
            personal: { subjectId: person.id, displayName: sealed(`Deelnemer ${n}`) },
          }),
        );
        personal(
          `participant-${person.id}`,
          event('IndividualSupportSet', { participantId: person.id, everyWeeks: person.everyWeeks, on: dayOf(0), setBy: 'coach' }),
        );
      }
    }
    for (let week = from; week < Math.min(from + WEEKS_PER_APPEND, WEEKS); week++) {
      // People come and go: a member leaves now and then, someone else (re)joins.
      const outside = people.filter((p) => !p.member);
      const inside = people.filter((p) => p.member);
      if (outside.length > 0 && (week === 0 || rnd() < 0.08)) {
        for (const person of week === 0 ? outside.slice(0, outside.length - 2) : [outside[0]]) {
          person.member = true;
          networkEvents.push(
            event('ParticipantJoined', { networkId, participantId: person.id, role: 'PARTICIPANT', joinedOn: dayOf(week) }),
          );
        }
      } else if (inside.length > 4 && rnd() < 0.06) {
        const leaving = inside[Math.floor(rnd() * inside.length)];
        leaving.member = false;
        networkEvents.push(
          event('ParticipantLeft', {
            networkId,
            participantId: leaving.id,
            leftOn: dayOf(week),
            personal: { subjectId: leaving.id, reason: sealed('verhuisd') },
          }),
        );
      }
      const present = people.filter((p) => p.member);
      const absent = present.filter(() => rnd() < 0.15);
      const attended = present.filter((p) => !absent.includes(p));
      if (attended.length > 0) {
        networkEvents.push(
          meetingHeld(networkId, ++meetings, dayOf(week, 2), {
            attended: attended.map((p) => p.id),
            absent: absent.map((p) => p.id),
          }),
        );
      }
      if (attended.length >= 2 && rnd() < 0.25) {
        networkEvents.push(
          event('ContactOutsideMeetingsReported', {
            networkId,
            between: [attended[0].id, attended[1].id],
            on: dayOf(week, 4),
            personal: { subjectId: networkId, kind: sealed('samen boodschappen') },
          }),
        );
      }
      // Now and then someone tells a fellow member about their debts, and later takes it back.
      if ((week === 10 || week === 80) && present.length >= 2) {
        const [teller, listener] = present;
        const type = week === 10 ? 'InformationShared' : 'InformationUnshared';
        const whom = week === 10 ? { sharedWith: [listener.id], sharedBy: teller.id } : { from: [listener.id], unsharedBy: teller.id };
        personal(
          `participant-${teller.id}`,
          event(type, {
            participantId: teller.id,
            ...whom,
            on: dayOf(week),
            onBehalf: false,
            personal: { subjectId: teller.id, topic: sealed('schulden'), topicHash: `kh1.schulden-${teller.id}` },
          }),
        );
      }
      for (const person of present) {
        if (rnd() < 0.01) {
          const toEveryWeeks = person.everyWeeks * 2;
          personal(
            `participant-${person.id}`,
            event('SupportScaledDown', {
              participantId: person.id,
              fromEveryWeeks: person.everyWeeks,
              toEveryWeeks,
              on: dayOf(week),
              personal: { subjectId: person.id, reason: sealed('netwerk draagt') },
            }),
          );
          person.everyWeeks = toEveryWeeks;
        }
        if (rnd() < 0.003) {
          const referralId = randomUUID();
          personal(
            `referral-${referralId}`,
            event('ReferredToBuddyProgramme', {
              referralId,
              participantId: person.id,
              programme: PROGRAMMES[Math.floor(rnd() * 3)],
              referredOn: dayOf(week),
              personal: { subjectId: person.id, reason: sealed('eenzaam') },
            }),
          );
          if (rnd() < 0.7)
            personal(
              `referral-${referralId}`,
              event('ReferralClosed', {
                referralId,
                participantId: person.id,
                status: rnd() < 0.7 ? 'MATCHED' : 'DECLINED',
                closedOn: dayOf(week + 2 + Math.floor(rnd() * 8)),
              }),
            );
        }
      }
    }
    const appends = [...byStream].map(([streamId, events]) => ({ streamId, events }));
    if (networkEvents.length > 0) appends.unshift({ streamId: network, events: networkEvents });
    yield appends;
  }
}

/**
 * Appends a realistic log of at least `events` events: many networks of all four methods, three years of
 * weekly meetings each, people joining and leaving, outside contacts, support scaled down, referrals.
 * Networks run side by side, so their quarters interleave in the log.
 */
export async function generateRealisticLog(store: EventStore, events: number, progress?: (written: number) => void): Promise<number> {
  let written = 0;
  let nextNetwork = 0;
  const perBatch = 50; // networks that run side by side
  while (written < events) {
    const histories = Array.from({ length: perBatch }, () => networkHistory(nextNetwork++));
    let running = histories.length;
    while (running > 0 && written < events) {
      running = 0;
      for (const history of histories) {
        const next = history.next();
        if (next.done) continue;
        running++;
        for (const { streamId, events: batch } of next.value) {
          await store.appendToStream(streamId, batch);
          written += batch.length;
        }
      }
      progress?.(written);
    }
  }
  return written;
}
