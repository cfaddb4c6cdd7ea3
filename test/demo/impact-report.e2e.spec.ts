/**
 * What a new evaluator does on a fresh clone, end to end: `npx kring demo …`, then `npx kring impact
 * --format html > report.html`, and the report opened in a real headless browser that may reach no
 * other host: every chart is drawn (its SVG marks counted), titled, and the table holds the figures of
 * the JSON report. A screenshot is kept in test-artifacts/.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImpactReport } from '@kring/domain';
import { artefact, BROWSER_SKIP_REASON, launchChromium, onlyReaching } from '../support/browser';
import { testDataRoot } from '../support/data-root';
import { itUnless } from '../support/targets';

const run = promisify(execFile);
const KRING = join(__dirname, '..', '..', 'bin', 'kring.js');
const METHODS = ['Samenkracht', 'Samen Sterk', 'Vraaggroep', 'Steunkring'];

describe('The HTML impact report (kring impact --format html)', () => {
  let dir: string;
  const kring = async (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, KRING_DATA_DIR: join(dir, 'data') };
    delete env.KRING_DATABASE_URL;
    return (await run(process.execPath, [KRING, ...args], { env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(testDataRoot(), 'kring-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  itUnless(BROWSER_SKIP_REASON)(
    'is written from a demo history, the same twice, and opens offline in chromium with every chart drawn',
    async () => {
      expect(await kring('demo', '--networks', '4', '--years', '1', '--seed', '5', '--until', '2025-12-31')).toMatch(
        /^Demo written: 4 networks/,
      );
      const html = await kring('impact', '--format', 'html', '--by', 'method');
      expect(await kring('impact', '--format', 'html', '--by', 'method')).toBe(html);
      const report = JSON.parse(await kring('impact', '--format', 'json', '--by', 'method')) as ImpactReport;
      // Without --from and --to the period is the log's own: its first and last business date (a year up to 2025-12-31).
      expect(report.from).toMatch(/^2025-0[12]-/);
      expect(report.to <= '2025-12-31').toBe(true);
      expect(report.groups.map((group) => group.group)).toEqual(['ATELIER', 'PEER_NETWORK', 'QUESTION_GROUP', 'SUPPORT_CIRCLE']);
      const file = join(dir, 'report.html');
      await writeFile(file, html);

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
        const problems: string[] = [];
        page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
        page.on('pageerror', (error) => problems.push(error.message));
        const refused = await onlyReaching(page, `file://${file}`);
        await page.goto(`file://${file}`);

        const charts = await page.$$eval('section.chart', (sections) =>
          sections.map((section) => {
            const svg = section.querySelector('svg');
            const marks = (kind: string) => svg?.querySelectorAll(`g.mark-${kind}.role-mark > *`).length ?? 0;
            return {
              id: section.id,
              heading: section.querySelector('h2')?.textContent,
              texts: [...(svg?.querySelectorAll('text') ?? [])].map((text) => text.textContent ?? ''),
              lines: marks('line'),
              points: marks('symbol'),
              bars: marks('rect'),
              rendered: svg ? svg.getBoundingClientRect().height : 0,
            };
          }),
        );
        expect(charts.map((chart) => chart.id)).toEqual([
          'groei',
          'opkomst',
          'contacten',
          'afschalen',
          'bespaard',
          'verwijzingen',
          'eenzaamheid',
          'zelfredzaamheid',
        ]);
        const chart = (id: string) => charts.find((c) => c.id === id)!;
        for (const { heading, texts, rendered, lines, points, bars } of charts) {
          expect(heading).toBeTruthy();
          expect(rendered).toBeGreaterThan(100);
          expect(lines + points + bars).toBeGreaterThan(0);
          // Every chart names its groups (on an axis or in a legend).
          for (const method of METHODS) expect(texts).toContain(method);
        }
        // One line per method through the months, a point per method and month with members.
        expect(chart('groei').lines).toBe(4);
        expect(chart('groei').points).toBeGreaterThanOrEqual(4 * 12);
        expect(chart('groei').texts).toEqual(
          expect.arrayContaining(['Maand', 'Deelnemers (aantal)', 'Deelnemers aan het eind van de maand']),
        );
        expect(chart('groei').texts.some((text) => /^(jan|apr|jul|okt) 20\d\d$/.test(text))).toBe(true);
        expect(chart('opkomst').texts).toEqual(expect.arrayContaining(['Opkomst (% van de verwachte leden)', '100%']));
        expect(chart('contacten').bars).toBeGreaterThan(0);
        // A bar per method, and one per method and outcome for referrals.
        expect(chart('afschalen').bars).toBe(4);
        expect(chart('bespaard').bars).toBe(4);
        expect(chart('verwijzingen').bars).toBe(4 * 4);
        expect(chart('verwijzingen').texts).toEqual(expect.arrayContaining(['Gematcht', 'Afgewezen', 'Beëindigd', 'Loopt nog']));
        expect(chart('eenzaamheid').bars).toBe(4);
        expect(chart('zelfredzaamheid').bars).toBe(4);

        // The table holds the JSON report's figures, in Dutch notation.
        const table = await page.$$eval('#cijfers tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
        expect(table[0]).toEqual(['Cijfer', ...METHODS, 'Totaal']);
        const row = (label: string) => table.find((cells) => cells[0] === label)!.slice(1);
        expect(row('Netwerken')).toEqual([...report.groups, report.total].map((f) => String(f.networks)));
        expect(row('Deelnemers aan het eind van de periode')).toEqual([...report.groups, report.total].map((f) => String(f.membersAtEnd)));
        expect(row('Individuele contacten per jaar bespaard')).toEqual(
          [...report.groups, report.total].map((f) => f.contactsPerYearSaved.toLocaleString('nl-NL', { maximumFractionDigits: 1 })),
        );

        await page.screenshot({ path: artefact('impact-report.png'), fullPage: true });
        expect(problems).toEqual([]);
        expect(refused).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );
});
