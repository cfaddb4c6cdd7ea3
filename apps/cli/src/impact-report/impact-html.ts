/**
 * The HTML impact report: one file that opens offline (no script, nothing fetched: its content
 * security policy forbids it), with the figures as charts rendered to SVG here, by Vega-Lite and
 * Vega, and as a table. The same report gives the same bytes.
 */
import { IMPACT_COLUMNS, type ImpactFigures, type ImpactReport, type MonthlySeries } from '@kring/domain';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite/build/index';
import { groupName, type ImpactChart, impactCharts } from './impact-charts';

/*
 * Vega is published as ES modules with top-level await, which only a real import() loads; TypeScript
 * compiles import() to require() for our CommonJS build, so the import is made at run time.
 */
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

const LABELS: Readonly<Record<Exclude<keyof ImpactFigures, 'group'>, string>> = {
  networks: 'Netwerken',
  membersAtStart: 'Deelnemers aan het begin van de periode',
  joined: 'Nieuwe deelnemers',
  left: 'Vertrokken deelnemers',
  membersAtEnd: 'Deelnemers aan het eind van de periode',
  retention: 'Behouden: deel van alle deelnemers in de periode dat aan het eind nog meedoet',
  meetings: 'Bijeenkomsten',
  attendance: 'Opkomst bij bijeenkomsten',
  outsideContacts: 'Contacten buiten de bijeenkomsten',
  peopleWithSupport: 'Deelnemers met individuele begeleiding',
  scaledDown: 'Afgeschaald in de periode (personen)',
  scaledDownShare: 'Afgeschaald: deel van wie begeleiding had',
  medianDaysToScaleDown: 'Mediaan dagen van deelname tot afschalen',
  contactsPerYearSaved: 'Individuele contacten per jaar bespaard',
  referrals: 'Verwijzingen naar een maatjesproject',
  referralsMatched: 'Verwijzingen: gematcht',
  referralsDeclined: 'Verwijzingen: afgewezen',
  referralsEnded: 'Verwijzingen: beëindigd',
  referralsOpen: 'Verwijzingen: nog open',
  medianDaysToMatch: 'Mediaan dagen tot een match',
  djg6People: 'Eenzaamheid (DJG-6) voor en na gemeten (personen)',
  djg6MeanChange: 'Eenzaamheid (DJG-6, 0–6): gemiddelde verandering',
  zrmPeople: 'Zelfredzaamheid (ZRM) voor en na gemeten (personen)',
  zrmMeanChange: 'Zelfredzaamheid (ZRM, 1–5): gemiddelde verandering',
};
const SHARES = new Set<keyof ImpactFigures>(['retention', 'attendance', 'scaledDownShare']);
const CHANGES = new Set<keyof ImpactFigures>(['djg6MeanChange', 'zrmMeanChange']);
const GROUPINGS = { municipality: 'gemeente', method: 'methode', funding: 'financiering', cohort: 'startjaar' } as const;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const dutch = (value: number, digits = 1) => value.toLocaleString('nl-NL', { maximumFractionDigits: digits });

function cell(column: keyof ImpactFigures, value: number | string | null): string {
  if (value === null) return '–';
  if (typeof value === 'string') return escape(value);
  if (SHARES.has(column)) return `${dutch(value * 100)}%`;
  if (CHANGES.has(column)) return `${value > 0 ? '+' : ''}${dutch(value, 2)}`;
  return dutch(value);
}

/** Dutch numbers (1.234,5) and months (jan, mrt, mei) in the charts, as in the table. */
const NUMBERS_NL = { decimal: ',', thousands: '.', grouping: [3], currency: ['€ ', ''] };
const TIME_NL = {
  dateTime: '%a %e %B %Y %X',
  date: '%d-%m-%Y',
  time: '%H:%M:%S',
  periods: ['AM', 'PM'],
  days: ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'],
  shortDays: ['zo', 'ma', 'di', 'wo', 'do', 'vr', 'za'],
  months: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  shortMonths: ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
};

/** Each chart's SVG, rendered without a browser. */
async function renderCharts(charts: ImpactChart[]): Promise<string[]> {
  const [vega, vegaLite] = await Promise.all([importModule<typeof Vega>('vega'), importModule<typeof VegaLite>('vega-lite')]);
  // Axis labels of dates use the default locale, not a view's: vega exports defaultLocale() (from vega-format), which its typings leave out.
  (vega as unknown as { defaultLocale(number: object, time: object): void }).defaultLocale(NUMBERS_NL, TIME_NL);
  const svgs = [];
  for (const chart of charts) {
    const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
    try {
      svgs.push(await view.toSVG());
    } finally {
      view.finalize();
    }
  }
  return svgs;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin: 2.2rem 0 .2rem; }
.meta, .reading { color: #555; margin-top: .2rem; } figure { margin: .8rem 0; } figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .9rem; margin-top: .8rem; } th, td { border-bottom: 1px solid #ddd; padding: .35rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { vertical-align: bottom; } tbody tr:hover { background: #f4f7fa; }
footer { margin-top: 2.5rem; font-size: .85rem; color: #555; }`;

/** The whole report as one HTML file. */
export async function impactHtml(report: ImpactReport, months: MonthlySeries): Promise<string> {
  const charts = impactCharts(report, months);
  const svgs = await renderCharts(charts);
  const columns = [...report.groups, report.total];
  const names = columns.map((f) => (f === report.total ? 'Totaal' : groupName(f.group, report.by)));
  const rows = IMPACT_COLUMNS.filter((column) => column !== 'group').map(
    (column) =>
      `<tr><td>${escape(LABELS[column as Exclude<keyof ImpactFigures, 'group'>])}</td>${columns.map((f) => `<td>${cell(column, f[column])}</td>`).join('')}</tr>`,
  );
  const period = `${report.from} tot en met ${report.to}`;
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kring: impact ${escape(period)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Impact van zorg via netwerken</h1>
<p class="meta">Periode: ${escape(period)}${report.by ? ` · per ${GROUPINGS[report.by]}` : ''} · ${dutch(report.total.networks)} netwerken</p>
${charts
  .map(
    (chart, i) => `<section id="${chart.id}" class="chart">
<h2>${escape(chart.title)}</h2>
<p class="reading">${escape(chart.reading)}</p>
<figure>${svgs[i]}</figure>
</section>`,
  )
  .join('\n')}
<section id="cijfers">
<h2>Alle cijfers</h2>
<table>
<thead><tr><th>Cijfer</th>${names.map((name) => `<th>${escape(name)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>
<footer>
<p>Cijfers over netwerken tellen alle leden behalve professionals, als aantallen. Cijfers over personen (begeleiding, verwijzingen, metingen) tellen alleen wie toestemming gaf voor evaluatie en niet vergeten is. De datums in de gebeurtenissen plaatsen ze in de periode.</p>
<p>Gemaakt met <code>kring impact --format html</code> uit het log van Kring; hetzelfde log en dezelfde opties geven hetzelfde rapport.</p>
</footer>
</body>
</html>
`;
}
