/**
 * The page at `/` in a real browser (Debian's chromium) with every request to another host refused:
 * it loads GraphiQL from the API's own files, takes a bearer token, runs a query and shows the answer.
 * In development it hands out a token for a chosen role; a screenshot is kept in test-artifacts/.
 */
import type { Browser } from 'playwright-core';
import { RunningApi, startApi } from '../support/api';
import { artefact, BROWSER_SKIP_REASON, launchChromium, onlyReaching } from '../support/browser';
import { itUnless, pgliteTarget } from '../support/targets';

describe('the page at / (GraphiQL)', () => {
  let api: RunningApi;
  let browser: Browser | undefined;

  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'try-it-page');
  });

  afterAll(async () => {
    await browser?.close();
    await api.close();
  });

  it('is served with a policy that lets it load scripts and reach nothing but this API', async () => {
    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const asset of ['graphiql.js', 'graphiql.css', 'react.js', 'react-dom.js', 'kring-ide.js'])
      expect((await fetch(`${api.url}/ide/${asset}`)).status).toBe(200);
    expect((await fetch(`${api.url}/ide/package.json`)).status).toBe(404);
  });

  itUnless(BROWSER_SKIP_REASON)(
    'runs the preloaded walkthrough step by step with a pasted token, shows each answer, and offers development tokens',
    async () => {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const refused = await onlyReaching(page, api.url);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));

      await page.goto(`${api.url}/`);
      await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
      // The walkthrough is the first tab.
      await page.getByText('mutation StartNetwork').first().waitFor();

      // A token pasted by hand: the leader's, as `npm run token` makes it.
      await page.locator('#token').fill(await api.token('leader-1', ['PROJECT_LEADER'], { name: 'Projectleider' }));
      // The whole walkthrough, in order: each step's ids filled in from the answers before it.
      const steps: Array<[operation: string, field: string]> = [
        ['StartNetwork', 'startNetwork'],
        ['RegisterParticipant', 'registerParticipant'],
        ['JoinNetwork', 'joinNetwork'],
        ['RecordMeeting', 'recordMeeting'],
        ['SetIndividualSupport', 'setIndividualSupport'],
        ['ScaleDownSupport', 'scaleDownSupport'],
        ['ReferToBuddyProgramme', 'referToBuddyProgramme'],
        ['NetworkGrowth', 'networkGrowth'],
        ['Summaries', 'referralSummary'],
      ];
      const response = page.locator('.graphiql-response');
      for (const [operation, field] of steps) {
        await page.locator('.graphiql-execute-button').click();
        // The walkthrough holds several operations: GraphiQL asks which one.
        await page.getByRole('menuitem', { name: operation, exact: true }).click();
        await response.getByText(`"${field}"`).waitFor({ timeout: 20_000 });
        const answer = await response.innerText();
        expect({ operation, errors: answer.includes('"errors"') ? answer : undefined }).toEqual({ operation, errors: undefined });
      }
      const summaries = await response.innerText();
      expect(summaries).toMatch(/"scaledDown": 1/);
      expect(summaries).toContain('"programme": "maatjesproject Humanitas"');

      // A development token for another role, from the page itself.
      await page.locator('#role').selectOption('EVALUATOR');
      await page.locator('#get-token').click();
      await page.getByText('Development token for EVALUATOR').waitFor();
      expect(await page.locator('#token').inputValue()).toMatch(/^ey/);

      await page.screenshot({ path: artefact('try-it-page.png') });
      expect(refused).toEqual([]);
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('hands out development tokens only in development', async () => {
    const development = await fetch(`${api.url}/ide/dev-token?role=FACILITATOR`);
    expect(development.status).toBe(200);
    const production = await startApi(pgliteTarget, 'try-it-page-production', { NODE_ENV: 'production' });
    try {
      const refused = await fetch(`${production.url}/ide/dev-token?role=FACILITATOR`);
      expect(refused.status).toBe(403);
      expect(await (await fetch(`${production.url}/`)).text()).not.toContain('get-token');
    } finally {
      await production.close();
    }
  });
});
