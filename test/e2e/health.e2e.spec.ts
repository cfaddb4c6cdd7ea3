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
  });
}

healthOverHttp(pgliteTarget);
healthOverHttp(postgresTarget);
