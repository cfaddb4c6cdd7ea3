import { ReadModels } from '../../apps/api/src/read-models/read-models';
import { RunningApi, startApi } from '../support/api';
import { eventually } from '../support/eventually';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

function healthOverHttp(target: StoreTarget): void {
  describeOn(target, 'GET /health over HTTP', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi(target, 'health');
    });
    afterAll(() => api?.close());

    it('answers 200 with the adapter in use and the head of the log', async () => {
      const response = await fetch(`${api.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        details: { eventLog: { status: 'up', adapter: target.adapter, headPosition: '0' } },
      });
    });

    it('names a projection stuck on a malformed event (its stream and position), while the other read models keep following the log', async () => {
      // Written past the API, as no command would: a meeting without an id.
      const broken = await api.store.appendToStream('network-broken', [
        { type: 'MeetingHeld', data: { networkId: 'broken', attended: [], absent: [] } },
      ]);
      const { position } = await api.store.appendToStream('participant-p1', [
        {
          type: 'ParticipantRegistered',
          data: {
            participantId: 'p1',
            municipality: 'Baarn',
            consentToEvaluation: false,
            personal: { subjectId: 'p1', displayName: 'Ans' },
          },
        },
      ]);
      const { engine } = api.app.get(ReadModels);
      const others = engine.projections.filter((name) => name !== 'networks');
      await engine.waitFor(others, position, 10_000);

      type Health = { details: { readModels: { projections: Record<string, { checkpoint: string; failing?: { message: string } }> } } };
      const body = await eventually('health names the failing projection', async () => {
        const response = await fetch(`${api.url}/health`);
        expect(response.status).toBe(200);
        const health = (await response.json()) as Health;
        return health.details.readModels.projections.networks.failing && health;
      });
      const { networks, ...rest } = body.details.readModels.projections;
      expect(networks.failing?.message).toBe(
        `projection networks failed applying the events after position ${broken.position - 1n}: ` +
          `the event at position ${broken.position} in stream network-broken (MeetingHeld) is malformed: meetingId is missing`,
      );
      expect(BigInt(networks.checkpoint)).toBeLessThan(broken.position);
      for (const other of Object.values(rest)) {
        expect(other.failing).toBeUndefined();
        expect(other.checkpoint).toBe(position.toString());
      }
    });
  });
}

healthOverHttp(pgliteTarget);
healthOverHttp(postgresTarget);
