import { GraphQLSchemaHost } from '@nestjs/graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges, GraphQLSchema } from 'graphql';
import { RunningApi, startApi } from '../support/api';
import { pgliteTarget } from '../support/targets';

/**
 * The access log comes with the privacy work (it records every read of personal data, which the
 * authorisation layer does). Until then exactly these are missing: anything else missing is a
 * regression, and an entry that is served already must be taken off this list.
 */
const NOT_YET_SERVED = ['AccessEntry was removed.', 'Query.accessLog was removed.'];

describe('the served schema against the contract (schema/api-contract.graphql)', () => {
  let api: RunningApi;
  let served: GraphQLSchema;
  const contract = buildSchema(readFileSync(join(__dirname, '../../schema/api-contract.graphql'), 'utf8'));

  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'schema');
    served = api.app.get(GraphQLSchemaHost).schema;
  });
  afterAll(() => api?.close());

  it('has no breaking change beyond the access log still to come', () => {
    const breaking = findBreakingChanges(contract, served).map((change) => change.description);
    expect(breaking.sort()).toEqual([...NOT_YET_SERVED].sort());
  });

  it('serves every mutation of the contract', () => {
    const mutations = Object.keys(contract.getMutationType()!.getFields());
    expect(mutations).toHaveLength(18);
    expect(Object.keys(served.getMutationType()!.getFields())).toEqual(expect.arrayContaining(mutations));
  });
});
