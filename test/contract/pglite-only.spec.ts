import { DataDirLockedError, openEventStore } from '@kring/event-store';
import { pgliteTarget } from '../support/targets';

describe('embedded store [pglite]', () => {
  it('refuses to open a data directory that another store holds, and opens it once that one is closed', async () => {
    const fresh = await pgliteTarget.fresh('second-opener');
    try {
      const first = await openEventStore(fresh.config);
      await first.appendToStream('s', [{ type: 'Kept', data: {} }]);
      await expect(openEventStore(fresh.config)).rejects.toThrow(DataDirLockedError);
      await first.close();
      const second = await openEventStore(fresh.config);
      expect(await second.headPosition()).toBe(1n);
      await second.close();
    } finally {
      await fresh.dispose();
    }
  });
});
