import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

function healthOverHttp(target: StoreTarget): void {
  describeOn(target, 'GET /health over HTTP', () => {
    let fresh: FreshStore;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      fresh = await target.fresh('health');
      Object.assign(process.env, { KRING_DATABASE_URL: '', KRING_DATA_DIR: '', ...fresh.env });
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      app.enableShutdownHooks();
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
    });
    afterAll(async () => {
      await app?.close();
      await fresh?.dispose();
    });

    it('answers 200 with the adapter in use and the head of the log', async () => {
      const response = await fetch(`${url}/health`);
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
