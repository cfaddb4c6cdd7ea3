/**
 * The charts of the HTML impact report, as Vega-Lite specifications: what each shows, its title, axes
 * and units, in the Dutch a municipality's reader knows (beschikking, maatjesproject, DJG-6, ZRM).
 * Pure: the same report gives the same specifications; rendering them is impact-html.ts's work.
 */
import type { ImpactFigures, ImpactGrouping, ImpactReport, MonthlySeries } from '@kring/domain';
// vega-lite's types are published for ESM resolution only; this path reaches the same declarations.
import type { TopLevelSpec } from 'vega-lite/build/index';

export interface ImpactChart {
  id: string;
  title: string;
  /** One sentence under the title: how to read it. */
  reading: string;
  spec: TopLevelSpec;
}

const GROUP_NAMES: Readonly<Record<string, string>> = {
  PEER_NETWORK: 'Samen Sterk',
  SUPPORT_CIRCLE: 'Steunkring',
  ATELIER: 'Samenkracht',
  QUESTION_GROUP: 'Vraaggroep',
  BESCHIKKING: 'Beschikking',
  SUBSIDIE: 'Subsidie',
  INDICATIE: 'Indicatie',
  all: 'Alle netwerken',
  total: 'Totaal',
};

/** How a group is called in the report: methods and kinds of funding by their Dutch names, a cohort by its year. */
export const groupName = (group: string, by: ImpactGrouping | null): string =>
  by === 'cohort' && /^\d{4}$/.test(group) ? `Gestart in ${group}` : (GROUP_NAMES[group] ?? group);

type MonthFigures = MonthlySeries[number]['figures'][number];

const WIDTH = 620;
const GROUP = 'Groep';
const COLORS = ['#1f5f8b', '#e07b39', '#3a9a5b', '#b8455b', '#7a5ea8', '#8c6d31', '#4f8fb8', '#c9a227'];

const base = (title: string, data: object[], height = 240) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 15 },
    width: WIDTH,
    height,
    data: { values: data },
    config: {
      font: 'Helvetica, Arial, sans-serif',
      axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
      legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', labelLimit: 320 },
      range: { category: COLORS },
    },
  }) as const;

const monthAxis = {
  field: 'maand',
  type: 'temporal',
  timeUnit: 'yearmonth',
  title: 'Maand',
  axis: { format: '%b %Y', labelAngle: 0 },
} as const;
/** Counts have whole ticks only. */
const countAxis = { format: 'd', tickMinStep: 1 } as const;
/** Each group keeps its colour from chart to chart. */
const groupColour = (names: string[] | null) =>
  names === null ? {} : ({ color: { field: GROUP, type: 'nominal', title: null, scale: { domain: names, range: COLORS } } } as const);

/** One row per month and group: the value the chart shows, left out where there is none (no meetings, no measurement). */
function perMonth(
  months: MonthlySeries,
  by: ImpactGrouping | null,
  value: (figures: MonthlySeries[number]['figures'][number]) => number | null,
) {
  return months.flatMap(({ month, figures }) =>
    figures.flatMap((f) => {
      const v = value(f);
      return v === null ? [] : [{ maand: `${month}-01`, [GROUP]: groupName(f.group, by), waarde: v }];
    }),
  );
}

export function impactCharts(report: ImpactReport, months: MonthlySeries): ImpactChart[] {
  const { by } = report;
  const grouped = by !== null;
  const groups = grouped ? report.groups : [report.total];
  const named = (f: ImpactFigures) => groupName(f.group, by);
  const colours = grouped ? report.groups.map(named) : null;
  const groupAxis = { field: GROUP, type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } } as const;

  /** A line per group through the months. */
  const monthlyLine = (
    chart: Omit<ImpactChart, 'spec'>,
    subtitle: string,
    value: (f: MonthFigures) => number | null,
    y: { title: string; axis: object; scale?: { domain: number[] } },
  ): ImpactChart => ({
    ...chart,
    spec: {
      ...base(subtitle, perMonth(months, by, value)),
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: { x: monthAxis, y: { field: 'waarde', type: 'quantitative', ...y }, ...groupColour(colours) },
    },
  });
  const growth = monthlyLine(
    {
      id: 'groei',
      title: 'Groei van de netwerken',
      reading: 'Deelnemers, buren en ervaringsdeskundigen aan het eind van elke maand (professionals niet meegeteld).',
    },
    'Deelnemers aan het eind van de maand',
    (f) => f.membersAtEnd,
    { title: 'Deelnemers (aantal)', axis: countAxis },
  );
  const attendance = monthlyLine(
    {
      id: 'opkomst',
      title: 'Opkomst bij de bijeenkomsten',
      reading: 'Aanwezigen als deel van alle leden die bij de bijeenkomsten van die maand verwacht werden.',
    },
    'Opkomst per maand',
    (f) => f.attendance,
    { title: 'Opkomst (% van de verwachte leden)', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
  );
  const contacts: ImpactChart = {
    id: 'contacten',
    title: 'Contacten buiten de bijeenkomsten',
    reading: 'Hoe vaak deelnemers elkaar buiten de bijeenkomsten zagen of spraken, zoals gemeld bij hun coach.',
    spec: {
      ...base(
        'Gemelde contacten per maand',
        perMonth(months, by, (f) => f.outsideContacts),
      ),
      mark: { type: 'bar' },
      encoding: {
        x: { ...monthAxis, bandPosition: 0 },
        y: { field: 'waarde', type: 'quantitative', title: 'Contacten (aantal)', stack: true, axis: countAxis },
        ...groupColour(colours),
      },
    },
  };
  const scaledDown: ImpactChart = {
    id: 'afschalen',
    title: 'Minder individuele begeleiding',
    reading:
      'Van de deelnemers met individuele begeleiding (die toestemming gaven voor evaluatie): het deel dat in de periode is afgeschaald, bijvoorbeeld van wekelijks naar eens per drie weken.',
    spec: {
      ...base(
        'Afgeschaald in de periode',
        groups.map((f) => ({ [GROUP]: named(f), waarde: f.scaledDownShare ?? 0, aantal: `${f.scaledDown} van ${f.peopleWithSupport}` })),
        Math.max(90, 44 * groups.length),
      ),
      layer: [
        { mark: { type: 'bar', color: COLORS[0] } },
        { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'aantal' } } },
      ],
      encoding: {
        y: groupAxis,
        x: {
          field: 'waarde',
          type: 'quantitative',
          title: 'Afgeschaald (% van wie begeleiding had)',
          axis: { format: '.0%' },
          scale: { domain: [0, 1] },
        },
      },
    },
  };
  const saved: ImpactChart = {
    id: 'bespaard',
    title: 'Bespaarde individuele contacten',
    reading:
      'Individuele contacten met een professional die per jaar niet meer nodig zijn: de frequentie aan het begin tegenover die aan het eind van de periode.',
    spec: {
      ...base(
        'Individuele contacten per jaar minder',
        groups.map((f) => ({ [GROUP]: named(f), waarde: f.contactsPerYearSaved })),
        Math.max(90, 44 * groups.length),
      ),
      layer: [
        { mark: { type: 'bar', color: COLORS[2] } },
        { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'waarde', format: ',.1f' } } },
      ],
      encoding: { y: groupAxis, x: { field: 'waarde', type: 'quantitative', title: 'Contacten per jaar (aantal)', axis: countAxis } },
    },
  };
  const OUTCOMES = [
    ['Gematcht', (f: ImpactFigures) => f.referralsMatched],
    ['Afgewezen', (f: ImpactFigures) => f.referralsDeclined],
    ['Beëindigd', (f: ImpactFigures) => f.referralsEnded],
    ['Loopt nog', (f: ImpactFigures) => f.referralsOpen],
  ] as const;
  const referrals: ImpactChart = {
    id: 'verwijzingen',
    title: 'Verwijzingen naar maatjesprojecten',
    reading: 'Hoe de verwijzingen uit de periode afliepen: gematcht met een maatje, afgewezen, beëindigd, of nog open aan het eind.',
    spec: {
      ...base(
        'Afloop van de verwijzingen',
        groups.flatMap((f) => OUTCOMES.map(([afloop, count], order) => ({ [GROUP]: named(f), afloop, volgorde: order, waarde: count(f) }))),
        Math.max(90, 44 * groups.length),
      ),
      mark: { type: 'bar' },
      encoding: {
        y: groupAxis,
        x: { field: 'waarde', type: 'quantitative', title: 'Verwijzingen (aantal)', stack: true, axis: countAxis },
        color: { field: 'afloop', type: 'nominal', title: 'Afloop', sort: OUTCOMES.map(([name]) => name) },
        order: { field: 'volgorde' },
      },
    },
  };
  const change = (
    id: string,
    title: string,
    reading: string,
    axis: string,
    people: (f: ImpactFigures) => number,
    meanChange: (f: ImpactFigures) => number | null,
  ): ImpactChart => ({
    id,
    title,
    reading,
    spec: {
      ...base(
        title,
        groups.map((f) => ({ [GROUP]: named(f), waarde: meanChange(f) ?? 0, aantal: `${people(f)} gemeten` })),
        Math.max(90, 44 * groups.length),
      ),
      layer: [
        { mark: { type: 'bar', color: COLORS[4] } },
        { mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 0 } } },
        { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'aantal' }, x: { datum: 0 } } },
      ],
      encoding: { y: groupAxis, x: { field: 'waarde', type: 'quantitative', title: axis } },
    },
  });
  return [
    growth,
    attendance,
    contacts,
    scaledDown,
    saved,
    referrals,
    change(
      'eenzaamheid',
      'Verandering in eenzaamheid (De Jong Gierveld, DJG-6)',
      'Gemiddelde verandering tussen de eerste en de laatste meting van wie voor en na gemeten is; de schaal loopt van 0 tot 6, lager is minder eenzaam.',
      'Verandering in punten (negatief: minder eenzaam)',
      (f) => f.djg6People,
      (f) => f.djg6MeanChange,
    ),
    change(
      'zelfredzaamheid',
      'Verandering in zelfredzaamheid (Zelfredzaamheid-Matrix, ZRM)',
      'Gemiddelde verandering tussen de eerste en de laatste meting van wie voor en na gemeten is; de schaal loopt van 1 tot 5, hoger is zelfredzamer.',
      'Verandering in punten (positief: zelfredzamer)',
      (f) => f.zrmPeople,
      (f) => f.zrmMeanChange,
    ),
  ];
}
