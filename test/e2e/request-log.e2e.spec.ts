/**
 * The request log of the API as `npm start` runs it in production: one JSON line per request with its
 * operation, outcome, duration and correlation id (returned in the X-Correlation-Id header), and never
 * personal data: no name, free text, token or variable of a request appears in any line.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlClient, signToken, TEST_AUTH_SECRET, TEST_MASTER_KEY } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { freePort, ROOT } from '../support/processes';

describe('request log (production)', () => {
  let server: ChildProcess;
  let output = '';
  let errors = '';
  let baseUrl: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'kring-log-'));

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['bin/start.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        KRING_DATA_DIR: join(dataDir, 'data'),
        KRING_DATABASE_URL: '',
        KRING_AUTH_SECRET: TEST_AUTH_SECRET,
        KRING_MASTER_KEY: TEST_MASTER_KEY,
        KRING_DEMO: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Progress of a first build goes to stderr: stdout holds the log alone.
    server.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    // The first start may build the API first.
    await eventually('the API listens', () => output.includes('Kring API listening') || server.exitCode !== null, 150_000);
    expect({ exitCode: server.exitCode, errors }).toEqual({ exitCode: null, errors: expect.any(String) });
  }, 180_000);

  afterAll(async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes one JSON line per request with operation, outcome, duration and correlation id, and no personal data', async () => {
    const api = graphqlClient(baseUrl);
    const token = await signToken('leader-1', ['PROJECT_LEADER'], { name: 'Projectleider Pietje Puk' });
    const secretName = 'Jantje Zonnebloem';
    const registered = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-correlation-id': 'walkthrough-1' },
      body: JSON.stringify({
        query: 'mutation Register($input: RegisterParticipantInput!) { registerParticipant(input: $input) { id position } }',
        variables: { input: { displayName: secretName, municipality: 'Baarn', consentToEvaluation: true } },
      }),
    });
    expect(registered.headers.get('x-correlation-id')).toBe('walkthrough-1');
    const { data } = (await registered.json()) as { data: { registerParticipant: { id: string } } };
    // A refused one: its outcome is the error's code.
    await api.graphql('query Timeline($id: ID!) { careTimeline(participantId: $id) { participantId } }', { id: 'nobody-here' }, token);
    const answer = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ me { id } }"}',
    });
    expect(answer.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);

    await eventually(
      'the three request lines are written',
      () => output.includes('"outcome":"UNAUTHENTICATED"') && output.includes('"operation":"Timeline"'),
    );
    const lines = output.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.req !== undefined);
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'Register', outcome: 'OK', correlationId: 'walkthrough-1', ms: expect.any(Number) }),
        expect.objectContaining({ operation: 'Timeline', outcome: expect.stringMatching(/^[A-Z_]+$/), ms: expect.any(Number) }),
        expect.objectContaining({ operation: null, outcome: 'UNAUTHENTICATED', correlationId: answer.headers.get('x-correlation-id') }),
      ]),
    );
    expect(data.registerParticipant.id).toBeTruthy();
    for (const forbidden of [secretName, 'Zonnebloem', 'Pietje Puk', token, 'authorization'])
      expect(output + errors).not.toContain(forbidden);
  });
});
