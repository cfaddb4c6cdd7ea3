import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
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

/**
 * POSTs JSON with node:http on kept-alive connections and parses the answer. Not fetch: undici's fetch
 * cost a bench's clients 0.8-0.9 ms of CPU per request against 0.2-0.3 here, on the 2 cores the API under
 * measure shares with them (bench:commands), and their queue added to the latencies measured.
 */
function postJson(url: URL, agent: Agent, body: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`POST ${url.pathname} answered ${response.statusCode} without JSON`));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export function graphqlClient(baseUrl: string): GraphqlClient {
  const url = new URL(`${baseUrl}/graphql`);
  const agent = new Agent({ keepAlive: true });
  const graphql = async <Data>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ) =>
    (await postJson(url, agent, JSON.stringify({ query, variables }), {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    })) as GraphqlResponse<Data>;
  return {
    graphql,
    async mutate(mutation, input, token, headers) {
      const response = await graphql<Record<string, CommandResultJson>>(mutationText(mutation), { input }, token, headers);
      if (response.errors) throw new Error(`${mutation} failed: ${JSON.stringify(response.errors)}`);
      return response.data![mutation];
    },
  };
}
