import { GraphQLSchemaHost } from '@nestjs/graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges, GraphQLSchema } from 'graphql';
import { RunningApi, startApi } from '../support/api';
import { pgliteTarget } from '../support/targets';

describe('the served schema against the contract (schema/api-contract.graphql)', () => {
  let api: RunningApi;
  let served: GraphQLSchema;
  const contract = buildSchema(readFileSync(join(__dirname, '../../schema/api-contract.graphql'), 'utf8'));

  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'schema');
    served = api.app.get(GraphQLSchemaHost).schema;
  });
  afterAll(() => api?.close());

  it('has no breaking change: every type, field and argument of the contract is served as written', () => {
    expect(findBreakingChanges(contract, served).map((change) => change.description)).toEqual([]);
  });

  it('serves every query of the contract and its subscription', () => {
    expect(Object.keys(served.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining(Object.keys(contract.getQueryType()!.getFields())),
    );
    expect(served.getSubscriptionType()!.getFields()).toHaveProperty('networkChanged');
  });

  it('serves every mutation of the contract', () => {
    const mutations = Object.keys(contract.getMutationType()!.getFields());
    expect(mutations).toHaveLength(18);
    expect(Object.keys(served.getMutationType()!.getFields())).toEqual(expect.arrayContaining(mutations));
  });
});
