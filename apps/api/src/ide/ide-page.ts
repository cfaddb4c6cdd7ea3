/**
 * The page at `/`: GraphiQL (3, the last release with a browser build that needs no bundler) with
 * React 18, all served from our own node_modules, so the page works with no network beyond the API.
 */
import { EXAMPLE_TABS } from './walkthrough';

/** No script but our own files, no connection but to this API. GraphiQL sets inline styles; its fonts are data: URLs. */
export const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The files the page loads, each from the package that ships it. */
export const ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

/** JSON safe inside a <script> element. */
const inScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function pageHtml(roles: readonly string[] | undefined): string {
  const devTokens = roles
    ? `<label>or a development token for <select id="role">${roles.map((role) => `<option>${role}</option>`).join('')}</select></label>
       <button id="get-token" type="button">Get token</button>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Kring API</title>
  <link rel="stylesheet" href="/ide/graphiql.css">
  <link rel="stylesheet" href="/ide/kring-ide.css">
</head>
<body>
  <form id="auth" autocomplete="off">
    <strong>Kring</strong>
    <label>Bearer token <input id="token" type="password" placeholder="paste a token (npm run token -- --sub you --roles PROJECT_LEADER)"></label>
    ${devTokens}
    <span id="auth-status" role="status"></span>
  </form>
  <div id="graphiql">Loading…</div>
  <script type="application/json" id="kring-examples">${inScript(EXAMPLE_TABS)}</script>
  <script src="/ide/react.js"></script>
  <script src="/ide/react-dom.js"></script>
  <script src="/ide/graphiql.js"></script>
  <script src="/ide/kring-ide.js"></script>
</body>
</html>`;
}

export const PAGE_CSS = `
html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#auth { display: flex; gap: 1em; align-items: center; padding: 0.5em 1em; border-bottom: 1px solid #ddd; flex-wrap: wrap; }
#auth input { width: 28em; }
#auth-status { color: #555; }
#graphiql { flex: 1; min-height: 0; }
`;

/**
 * The page's own script: a fetcher that sends the token, fills in the ids earlier answers gave
 * ({{startNetwork.id}}, {{position}}), and the tabs with the examples.
 */
export const PAGE_SCRIPT = `(() => {
  'use strict';
  const tokenInput = document.getElementById('token');
  const status = document.getElementById('auth-status');
  tokenInput.value = sessionStorage.getItem('kring-token') || '';
  tokenInput.addEventListener('input', () => sessionStorage.setItem('kring-token', tokenInput.value.trim()));
  const remembered = JSON.parse(sessionStorage.getItem('kring-ids') || '{}');

  const getToken = document.getElementById('get-token');
  if (getToken) getToken.addEventListener('click', async () => {
    const role = document.getElementById('role').value;
    const response = await fetch('/ide/dev-token?role=' + encodeURIComponent(role));
    const answer = await response.json();
    if (!response.ok) { status.textContent = answer.message; return; }
    tokenInput.value = answer.token;
    sessionStorage.setItem('kring-token', answer.token);
    status.textContent = 'Development token for ' + role + ', valid ' + answer.hours + ' h';
  });

  // The server checks every operation of the document, so a position not known yet must still be one: 0 waits for nothing.
  const fillIn = (text) =>
    text.replace(/\\{\\{([\\w.]+)\\}\\}/g, (placeholder, name) => remembered[name] ?? (name === 'position' ? '0' : placeholder));

  async function fetcher(params, options) {
    const token = tokenInput.value.trim();
    const body = { ...params, query: fillIn(params.query) };
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}), ...(options && options.headers) },
      body: JSON.stringify(body),
    });
    const result = await response.json();
    for (const [field, value] of Object.entries((result && result.data) || {})) {
      if (value && typeof value === 'object' && typeof value.id === 'string') remembered[field + '.id'] = value.id;
      if (value && typeof value === 'object' && typeof value.position === 'string') remembered.position = value.position;
    }
    sessionStorage.setItem('kring-ids', JSON.stringify(remembered));
    return result;
  }

  const examples = JSON.parse(document.getElementById('kring-examples').textContent);
  const root = document.getElementById('graphiql');
  root.textContent = '';
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: examples.map((example) => ({ query: example.query })),
      defaultEditorToolsVisibility: false,
      shouldPersistHeaders: false,
    }),
  );
})();
`;
