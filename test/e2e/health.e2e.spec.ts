import { setTimeout as sleep } from 'node:timers/promises';
import { ReadModels } from '../../apps/api/src/read-models/read-models';
import { RunningApi, startApi } from '../support/api';
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

    it('names a projection that cannot apply an event, while the other read models keep following the log', async () => {
      // Written past the API, as no command would: a meeting without an id, which the meetings table refuses.
      await api.store.appendToStream('network-broken', [{ type: 'MeetingHeld', data: { networkId: 'broken', attended: [], absent: [] } }]);
      const { position } = await api.store.appendToStream('participant-p1', [
        { type: 'ParticipantRegistered', data: { participantId: 'p1', municipality: 'Baarn', personal: { displayName: 'Ans' } } },
      ]);
      const { engine } = api.app.get(ReadModels);
      const others = engine.projections.filter((name) => name !== 'networks');
      await engine.waitFor(others, position, 10_000);

      let body: {
        status: string;
        details: { readModels: { projections: Record<string, { checkpoint: string; failing?: { message: string } }> } };
      };
      for (let waited = 0; ; waited += 100) {
        const response = await fetch(`${api.url}/health`);
        expect(response.status).toBe(200);
        body = (await response.json()) as typeof body;
        if (body.details.readModels.projections.networks.failing || waited > 10_000) break;
        await sleep(100);
      }
      const { networks, ...rest } = body.details.readModels.projections;
      expect(networks.failing?.message).toMatch(/projection networks failed writing its documents/);
      expect(BigInt(networks.checkpoint)).toBeLessThan(position);
      for (const other of Object.values(rest)) {
        expect(other.failing).toBeUndefined();
        expect(other.checkpoint).toBe(position.toString());
      }
    });
  });
}

healthOverHttp(pgliteTarget);
healthOverHttp(postgresTarget);
