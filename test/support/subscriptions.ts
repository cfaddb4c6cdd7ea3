import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphqlResponse } from './graphql-client';

/** A graphql-ws client subscribed to one network's changes; a refusal arrives as a result with `errors`. */
export function subscribeToNetwork(
  url: string,
  token: string,
  networkId: string,
  fields: string,
  sink: { next: (result: GraphqlResponse) => void; complete?: () => void },
): Client {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  client.subscribe(
    { query: `subscription { networkChanged(networkId: "${networkId}") { ${fields} } }` },
    {
      next: (result) => sink.next(result as GraphqlResponse),
      error: (error) => sink.next({ errors: [{ message: String(error) }] }),
      complete: () => sink.complete?.(),
    },
  );
  return client;
}

/** Makes a change, and again every 100 ms, until `seen`: a subscription may not be listening yet at the first one. */
export async function changeUntil(seen: () => boolean, change: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; !seen(); attempt++) {
    if (attempt === 50) throw new Error('no push after 50 changes');
    await change();
    const deadline = Date.now() + 100;
    while (!seen() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
