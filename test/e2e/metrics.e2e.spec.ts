/** GET /metrics: Prometheus text with commands by type and outcome, HTTP requests by route, appends, and every projection's checkpoint, lag and leader. */
import { randomUUID } from 'node:crypto';
import { RunningApi, startApi } from '../support/api';
import { eventually } from '../support/eventually';
import { networkCharter } from '../support/fixtures';
import { describeOn, pgliteTarget } from '../support/targets';

/** The value of one sample line, e.g. `kring_commands_total{command="StartNetwork",outcome="accepted"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeOn(pgliteTarget, 'GET /metrics', () => {
  let api: RunningApi;
  let token: string;
  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'metrics');
    token = await api.token('coach-1', ['PROJECT_LEADER']);
  });
  afterAll(() => api?.close());

  const scrape = async () => {
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('counts commands by type and outcome, times them, their requests and their appends, and shows each projection catching up', async () => {
    const { position } = await api.mutate('startNetwork', { commandId: randomUUID(), ...networkCharter('PEER_NETWORK') }, token);
    const refused = await api.graphql(
      'mutation($input: RecordMeetingInput!) { recordMeeting(input: $input) { id } }',
      {
        input: {
          commandId: randomUUID(),
          networkId: randomUUID(),
          heldOn: '2024-01-01',
          activity: 'x',
          attended: [randomUUID()],
          absent: [],
        },
      },
      token,
    );
    expect(refused.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const projections = ['networks', 'care', 'referrals', 'knowledge', 'access', 'scope'];
    // The gauges of one scrape are read side by side (the lag after a query of the head): wait for both to show it.
    const text = await eventually('every projection has caught up', async () => {
      const body = await scrape();
      const caughtUp = projections.every(
        (projection) =>
          sample(body, `kring_projection_lag_positions{projection="${projection}"}`) === 0 &&
          sample(body, `kring_projection_checkpoint{projection="${projection}"}`)! >= Number(position),
      );
      return caughtUp && body;
    });
    expect(sample(text, 'kring_commands_total{command="StartNetwork",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'kring_commands_total{command="RecordMeeting",outcome="refused"}')).toBe(1);
    expect(sample(text, 'kring_command_duration_seconds_count{command="StartNetwork",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'kring_append_duration_seconds_count{adapter="pglite",outcome="stored"}')).toBeGreaterThanOrEqual(1);
    // Both mutations' requests, timed whole under the route they took.
    expect(sample(text, 'kring_http_request_duration_seconds_count{route="/graphql"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'kring_log_head_position')).toBeGreaterThanOrEqual(Number(position));
    for (const projection of projections) expect(sample(text, `kring_projection_leader{projection="${projection}"}`)).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
