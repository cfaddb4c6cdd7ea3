import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; fields?: Record<string, string[]> } & Record<string, unknown>;
}
export interface GraphqlResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: GraphqlError[];
}
export interface CommandResultJson {
  id: string;
  position: string;
}

/** A secret for the API under test; servers started by tests and benchmarks get it as KRING_AUTH_SECRET. */
export const TEST_AUTH_SECRET = randomBytes(24).toString('base64url');
/** The master key that wraps the subject keys of the API under test (KRING_MASTER_KEY). */
export const TEST_MASTER_KEY = randomBytes(32).toString('base64url');

export function signToken(
  sub: string,
  roles: string[],
  options: { name?: string; expiresIn?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT({ roles, ...(options.name ? { name: options.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_AUTH_SECRET));
}

/** The input type of each mutation, as the contract names it. */
const INPUT_TYPES: Record<string, string> = {
  scaleDownSupport: 'ChangeSupportInput',
  scaleUpSupport: 'ChangeSupportInput',
  giveConsent: 'ConsentInput',
  withdrawConsent: 'ConsentInput',
};

export function mutationText(mutation: string): string {
  const inputType = INPUT_TYPES[mutation] ?? `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
  return `mutation($input: ${inputType}!) { ${mutation}(input: $input) { id position } }`;
}

/** POST /graphql as a front end does it. */
export interface GraphqlClient {
  graphql<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<Data>>;
  /** Runs a mutation that must succeed and returns its CommandResult; throws with the errors otherwise. */
  mutate(mutation: string, input: Record<string, unknown>, token: string, headers?: Record<string, string>): Promise<CommandResultJson>;
}

export function graphqlClient(baseUrl: string): GraphqlClient {
  const graphql = async <Data>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlResponse<Data>;
  };
  return {
    graphql,
    async mutate(mutation, input, token, headers) {
      const response = await graphql<Record<string, CommandResultJson>>(mutationText(mutation), { input }, token, headers);
      if (response.errors) throw new Error(`${mutation} failed: ${JSON.stringify(response.errors)}`);
      return response.data![mutation];
    },
  };
}
