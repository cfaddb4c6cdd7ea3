/**
 * The README's walkthrough ("The first hour", with curl) runs as written against a real API: every step
 * answers without an error, and the last ones show the figures the story should give.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunningApi, startApi } from '../support/api';
import { TEST_AUTH_SECRET } from '../support/graphql-client';
import { pgliteTarget } from '../support/targets';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

/** The walkthrough's script: the bash block of "The first hour" that starts by exporting a token. */
function walkthrough(): string {
  const section = README.slice(README.indexOf('## The first hour'));
  const block = /```bash\n(export TOKEN=[\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no walkthrough block under "The first hour"');
  return block[1];
}

describe('README walkthrough', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'readme-walkthrough');
  });

  afterAll(() => api.close());

  it('runs as written with curl, each step answering data and no error', async () => {
    const script = walkthrough().replaceAll('localhost:3000', new URL(api.url).host);
    const { stdout } = await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', script], {
      cwd: join(__dirname, '../..'),
      // The token command signs with the secret the API checks.
      env: { ...process.env, KRING_AUTH_SECRET: TEST_AUTH_SECRET, KRING_AUTH_JWKS_URL: '' },
      timeout: 120_000,
    });
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { data?: Record<string, unknown>; errors?: unknown });
    expect(answers.filter((answer) => answer.errors !== undefined)).toEqual([]);
    expect(answers.map((answer) => Object.keys(answer.data ?? {}))).toEqual([
      ['joinNetwork'],
      ['recordMeeting'],
      ['setIndividualSupport'],
      ['scaleDownSupport'],
      ['networkGrowth'],
      ['scaleDownSummary', 'referralSummary'],
    ]);
    expect(answers.at(-1)!.data).toEqual({
      scaleDownSummary: { participantsWithSupport: 1, scaledDown: 1, contactsPerYearSaved: 39 },
      referralSummary: [{ programme: 'maatjesproject Humanitas', open: 1 }],
    });
  }, 150_000);
});
