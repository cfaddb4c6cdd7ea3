/**
 * A realistic synthetic history for all four methods, written as staff would write it: every step is
 * a mutation of the API, sent by a project leader or by the coach assigned to the network, so every
 * rule of the methods and of authorisation holds. Pure: the same options give the same mutations in
 * the same order (randomness from the seed, dates counted back from `until`, command ids from the
 * seed), and the API derives its ids from those command ids, so the same history comes out again.
 */
import type { Role } from '@kring/domain';

export interface DemoOptions {
  networks: number;
  years: number;
  seed: number;
  /** The last day of the history (YYYY-MM-DD); nothing happens after it. */
  until: string;
}

export interface DemoActor {
  sub: string;
  roles: Role[];
  name: string;
}

/** Sends one mutation as the actor and answers the id of its result (network, participant, meeting, referral, plan, question). */
export type SendMutation = (mutation: string, input: Record<string, unknown>, actor: DemoActor) => Promise<string>;

export const DEMO_METHODS = ['PEER_NETWORK', 'SUPPORT_CIRCLE', 'ATELIER', 'QUESTION_GROUP'] as const;
/** Weekly peer networks and ateliers, a fortnightly question group, a steunkring every four weeks. */
const CADENCE_WEEKS = { PEER_NETWORK: 1, SUPPORT_CIRCLE: 4, ATELIER: 1, QUESTION_GROUP: 2 } as const;
const MUNICIPALITIES = ['Baarn', 'Soest', 'Zwolle', 'Amersfoort', 'Eemnes'];
const FUNDING = ['SUBSIDIE', 'BESCHIKKING', 'INDICATIE'] as const;
const FIRST_NAMES = [
  'Anna',
  'Bert',
  'Carla',
  'Dirk',
  'Esra',
  'Fatima',
  'Gerrit',
  'Hanna',
  'Ilse',
  'Jan',
  'Karim',
  'Lotte',
  'Mohamed',
  'Nel',
  'Otto',
  'Petra',
  'Rik',
  'Sanne',
  'Truus',
  'Wim',
  'Yara',
  'Zeynep',
];
const SURNAMES = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos', 'Yilmaz', 'El Amrani', 'Peters'];
const ACTIVITIES = ['koffie en gesprek', 'samen koken', 'wandeling door de wijk', 'spelletjesmiddag', 'moestuin', 'creatief atelier'];
const FOLLOW_UPS = [
  'gebeld: was ziek, komt volgende week',
  'langs geweest: zag er tegenop, komt weer',
  'geen gehoor, opnieuw proberen',
  'had een afspraak bij de huisarts',
];
const CONTACTS = ['samen boodschappen gedaan', 'koffie gedronken', 'samen naar de markt', 'biertje gedronken', 'helpen verhuizen'];
const TALENTS = ['fietsen repareren', 'taalles Nederlands', 'formulieren invullen', 'koken', 'computerhulp'];
const OFFERS = ['taalles Nederlands', 'een luisterend oor', 'samen wandelen', 'klussen in huis'];
const PROGRAMMES = ['maatjesproject Humanitas', 'Buddy Netwerk', 'Maatje in de wijk'];
const QUESTIONS = ['hulp bij formulieren en post', 'grip op geldzaken', 'weer aan het werk'];
const TASKS = ['boodschappen op dinsdag', 'mee naar de huisarts', 'samen de administratie', 'wekelijks even bellen'];
const DAY_MS = 86_400_000;

/** A small seeded generator (mulberry32): the same seed gives the same history on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

interface Person {
  id: string;
  joinWeek: number;
  leaveWeek?: number;
  referralWeek?: number;
  scaleDownWeeks: number[];
  scaleUpWeek?: number;
  djg6: number;
  zrm: number;
}

/** Writes the whole history through `send`; answers how many mutations it sent. */
export async function writeDemoHistory(options: DemoOptions, send: SendMutation): Promise<number> {
  const rnd = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const between = (low: number, high: number) => low + Math.floor(rnd() * (high - low + 1));
  const chance = (p: number) => rnd() < p;
  let sent = 0;
  const run = (mutation: string, input: Record<string, unknown>, actor: DemoActor) =>
    send(mutation, { commandId: `demo-${options.seed}-${++sent}`, ...input }, actor);

  const leader: DemoActor = { sub: 'demo-projectleider', roles: ['PROJECT_LEADER'], name: 'Projectleider (demo)' };
  const totalDays = Math.round(options.years * 365);
  const firstDay = addDays(options.until, -totalDays);

  for (let n = 0; n < options.networks; n++) {
    const method = DEMO_METHODS[n % DEMO_METHODS.length];
    const municipality = MUNICIPALITIES[n % MUNICIPALITIES.length];
    const coach: DemoActor = { sub: `demo-coach-${n + 1}`, roles: ['FACILITATOR'], name: `${pick(FIRST_NAMES)} (coach, demo)` };
    // Networks start over the first half of the period, so every one has a history to show.
    const startedOn = addDays(firstDay, Math.floor(rnd() * (totalDays / 2)));
    // Whole weeks whose last day is on or before `until`.
    const weeksLeft = Math.floor((Date.parse(options.until) - Date.parse(startedOn) - 6 * DAY_MS) / (7 * DAY_MS));
    const dayOf = (week: number, weekday = 0) => addDays(startedOn, week * 7 + weekday);
    const register = async () =>
      run(
        'registerParticipant',
        { displayName: `${pick(FIRST_NAMES)} ${pick(SURNAMES)}`, municipality, consentToEvaluation: chance(0.85) },
        coach,
      );
    const person = async (joinWeek: number, mayLeave = true): Promise<Person> => {
      const id = await register();
      const leaveWeek = chance(0.12) && mayLeave ? between(joinWeek + 6, joinWeek + 40) : undefined;
      const referralWeek = chance(0.3) ? between(joinWeek + 4, joinWeek + 30) : undefined;
      // Individual contact goes from weekly to fortnightly to once every three weeks as the network carries
      // people; not for everyone, and for some only the first step. A few of those scaled down fully need more again later.
      const scaleDownWeeks = chance(0.75)
        ? [between(joinWeek + 10, joinWeek + 20), ...(chance(0.7) ? [between(joinWeek + 24, joinWeek + 40)] : [])]
        : [];
      const scaleUpWeek = scaleDownWeeks.length === 2 && chance(0.15) ? between(joinWeek + 42, joinWeek + 60) : undefined;
      return {
        id,
        joinWeek,
        leaveWeek,
        referralWeek,
        scaleDownWeeks,
        scaleUpWeek,
        djg6: between(3, 6),
        zrm: Math.round((1.5 + rnd() * 1.5) * 10) / 10,
      };
    };

    // The resident stays: a steunkring is formed around them.
    const focal = method === 'SUPPORT_CIRCLE' ? await person(0, false) : undefined;
    const networkId = await run(
      'startNetwork',
      {
        name: `${{ PEER_NETWORK: 'Samen Sterk', SUPPORT_CIRCLE: 'Steunkring', ATELIER: 'Samenkracht-atelier', QUESTION_GROUP: 'Vraaggroep' }[method]} ${municipality} ${n + 1}`,
        method,
        municipality,
        purpose: method === 'QUESTION_GROUP' ? 'samen een hulpvraag aanpakken' : 'eenzaamheid bestrijden',
        funding: pick(FUNDING),
        cadenceWeeks: CADENCE_WEEKS[method],
        ...(focal ? { focalParticipantId: focal.id } : {}),
        startedOn,
      },
      leader,
    );
    await run('assignFacilitator', { networkId, staffId: coach.sub, name: coach.name }, leader);

    const members: Person[] = focal ? [focal] : [];
    const cared: Person[] = [];
    const present = (week: number) => members.filter((m) => m.joinWeek <= week && (m.leaveWeek === undefined || m.leaveWeek > week));
    const startCare = async (p: Person, on: string) => {
      await run('setIndividualSupport', { participantId: p.id, everyWeeks: 1, on }, coach);
      await run('recordOutcome', { participantId: p.id, instrument: 'DJG6', score: p.djg6, measuredOn: on }, coach);
      await run('recordOutcome', { participantId: p.id, instrument: 'ZRM', score: p.zrm, measuredOn: on }, coach);
      cared.push(p);
    };
    if (focal) {
      await run(
        'answerCoreQuestions',
        {
          participantId: focal.id,
          want: 'weer meedoen in de buurt',
          can: 'goed luisteren, koken',
          need: 'hulp bij boodschappen',
          on: startedOn,
        },
        coach,
      );
      await startCare(focal, startedOn);
    }

    // Who joins when: a steady start for peer networks and question groups, a circle chosen by the resident, an atelier that doubles.
    const joinPlan: Array<{ week: number; role: string }> = [];
    if (method === 'PEER_NETWORK' || method === 'QUESTION_GROUP') {
      const count = between(6, 9);
      for (let i = 0; i < count; i++)
        joinPlan.push({ week: i < 4 ? 0 : between(1, Math.max(1, Math.min(weeksLeft - 1, 20))), role: 'PARTICIPANT' });
      if (method === 'PEER_NETWORK') joinPlan.push({ week: 0, role: 'EXPERIENCE_EXPERT' });
    } else if (method === 'SUPPORT_CIRCLE') {
      const count = between(3, 5);
      for (let i = 0; i < count; i++) joinPlan.push({ week: between(0, 3), role: 'CIRCLE_MEMBER' });
      joinPlan.push({ week: between(0, 3), role: 'PROFESSIONAL' });
    } else {
      const count = between(2, 3);
      for (let i = 0; i < count; i++) joinPlan.push({ week: 0, role: 'PARTICIPANT' });
    }
    joinPlan.sort((a, b) => a.week - b.week);
    const neighbourWeeks =
      method === 'PEER_NETWORK' || method === 'QUESTION_GROUP' ? [between(2, 8), ...(chance(0.5) ? [between(9, 20)] : [])] : [];
    const programmeMeetings = method === 'ATELIER' ? 4 : Infinity;
    const cadence = CADENCE_WEEKS[method];
    const referrals: Array<{ id: string; closeWeek: number; status: string }> = [];
    const guidance: Array<{ week: number; id: string }> = [];
    let meetings = 0;
    let plan: { id: string; agreements: number; completeWeek: number } | undefined;

    for (let week = 0; week <= weeksLeft; week++) {
      for (const joining of joinPlan.filter((j) => j.week === week)) {
        const p = await person(week);
        if (method === 'QUESTION_GROUP') {
          const questionId = await run('registerHelpQuestion', { participantId: p.id, question: pick(QUESTIONS), on: dayOf(week) }, coach);
          await run('bundleHelpQuestion', { participantId: p.id, questionId, networkId, on: dayOf(week) }, coach);
        }
        await run('joinNetwork', { networkId, participantId: p.id, role: joining.role, joinedOn: dayOf(week) }, coach);
        members.push(p);
        if (joining.role === 'PARTICIPANT') await startCare(p, dayOf(week));
      }
      for (let i = neighbourWeeks.filter((w) => w === week).length; i > 0; i--) {
        const neighbour = await person(week);
        await run('involveNeighbour', { networkId, participantId: neighbour.id, offer: pick(OFFERS), involvedOn: dayOf(week) }, coach);
        members.push(neighbour);
        // Most good neighbours get a first talk about their role (begeleiding) a couple of weeks in.
        if (chance(0.7)) guidance.push({ week: week + 2, id: neighbour.id });
      }
      for (const talk of guidance.filter((g) => g.week === week && present(week).some((m) => m.id === g.id)))
        await run(
          'guideNeighbour',
          { networkId, participantId: talk.id, notes: 'eerste gesprek over de rol van goede buur', guidedOn: dayOf(week) },
          coach,
        );

      // Samenkracht: before each meeting every member brings someone new, so the circle doubles.
      if (method === 'ATELIER' && meetings > 0 && meetings < programmeMeetings) {
        for (const inviter of present(week).slice()) {
          if (!chance(0.85)) continue;
          const p = await person(week);
          await run(
            'joinNetwork',
            { networkId, participantId: p.id, role: 'PARTICIPANT', invitedBy: inviter.id, joinedOn: dayOf(week) },
            coach,
          );
          members.push(p);
        }
      }

      if (week % cadence === 0 && meetings < programmeMeetings) {
        const here = present(week);
        const absent = here.filter((m) => m !== focal && chance(0.15));
        const attended = here.filter((m) => !absent.includes(m));
        if (attended.length > 0) {
          const meetingId = await run(
            'recordMeeting',
            {
              networkId,
              heldOn: dayOf(week, 2),
              activity: pick(ACTIVITIES),
              attended: attended.map((m) => m.id),
              absent: absent.map((m) => m.id),
            },
            coach,
          );
          meetings++;
          for (const missing of absent.filter(() => chance(0.7)))
            await run('followUpAbsence', { networkId, meetingId, participantId: missing.id, outcome: pick(FOLLOW_UPS) }, coach);
          if (attended.length >= 2 && chance(0.3)) {
            const first = Math.floor(rnd() * attended.length);
            const [a, b] = [attended[first], attended[(first + 1 + Math.floor(rnd() * (attended.length - 1))) % attended.length]];
            await run('reportOutsideContact', { networkId, between: [a.id, b.id], kind: pick(CONTACTS), on: dayOf(week, 4) }, coach);
            if (chance(0.5))
              await run(
                'recordHelpExchange',
                { networkId, helperId: a.id, helpedId: b.id, talent: pick(TALENTS), on: dayOf(week, 4) },
                coach,
              );
          }
          if (focal && !plan && meetings === 2) {
            const assignees = attended.filter((m) => m !== focal).slice(0, 3);
            if (assignees.length > 0) {
              const id = await run(
                'agreePlan',
                { networkId, agreedOn: dayOf(week, 2), agreements: assignees.map((m) => ({ assigneeId: m.id, task: pick(TASKS) })) },
                coach,
              );
              plan = { id, agreements: assignees.length, completeWeek: week + between(2, 8) };
            }
          }
        }
      }
      if (plan && plan.completeWeek === week)
        for (let a = 1; a <= plan.agreements; a++)
          if (chance(0.8))
            await run('completeAgreement', { networkId, agreementId: `${plan.id}.${a}`, completedOn: dayOf(week, 3) }, coach);

      for (const p of cared) {
        if (p.leaveWeek !== undefined && p.leaveWeek <= week) continue;
        const down = p.scaleDownWeeks.indexOf(week);
        if (down >= 0)
          await run(
            'scaleDownSupport',
            { participantId: p.id, toEveryWeeks: down + 2, reason: 'het netwerk vangt meer op', on: dayOf(week, 3) },
            coach,
          );
        if (p.scaleUpWeek === week)
          await run(
            'scaleUpSupport',
            { participantId: p.id, toEveryWeeks: 2, reason: 'tijdelijk meer nodig na een tegenslag', on: dayOf(week, 3) },
            coach,
          );
        if (week === p.joinWeek + 26) {
          p.djg6 = Math.max(0, p.djg6 - between(0, 2));
          p.zrm = Math.min(5, Math.round((p.zrm + rnd()) * 10) / 10);
          await run('recordOutcome', { participantId: p.id, instrument: 'DJG6', score: p.djg6, measuredOn: dayOf(week, 3) }, coach);
          await run('recordOutcome', { participantId: p.id, instrument: 'ZRM', score: p.zrm, measuredOn: dayOf(week, 3) }, coach);
        }
        if (p.referralWeek === week) {
          const id = await run(
            'referToBuddyProgramme',
            {
              participantId: p.id,
              programme: pick(PROGRAMMES),
              reason: 'wil ook buiten het netwerk iemand om mee op te trekken',
              on: dayOf(week, 3),
            },
            coach,
          );
          const roll = rnd();
          referrals.push({
            id,
            closeWeek: week + between(3, 12),
            status: roll < 0.55 ? 'MATCHED' : roll < 0.75 ? 'DECLINED' : roll < 0.85 ? 'ENDED' : 'OPEN',
          });
        }
      }
      for (const referral of referrals.filter((r) => r.closeWeek === week && r.status !== 'OPEN'))
        await run('closeReferral', { referralId: referral.id, status: referral.status, on: dayOf(week, 5) }, coach);

      for (const leaving of present(week).filter((m) => m.leaveWeek === week + 1))
        await run('leaveNetwork', { networkId, participantId: leaving.id, reason: 'verhuisd', leftOn: dayOf(week, 6) }, coach);
    }
  }
  return sent;
}
