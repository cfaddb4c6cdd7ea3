import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it when missing); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.KRING_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here; in CI they must (a missing browser fails them there). */
export const BROWSER_SKIP_REASON =
  existsSync(CHROMIUM) || process.env.CI === 'true'
    ? undefined
    : `no chromium at ${CHROMIUM} (apt-get install chromium, or set KRING_TEST_CHROMIUM)`;

/** Screenshots tests keep, for people to look at after a run (CI keeps the folder as an artefact). */
export const ARTEFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * Headless chromium that reaches no other host: no background networking, updates or sync (this
 * machine's network is closed, and a test must not depend on one), and a fresh profile every launch.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Lets the page reach only `allowed` (a URL prefix): every other request is refused and listed, so a
 * test can state that none was made.
 */
export async function onlyReaching(page: Page, allowed: string): Promise<string[]> {
  const refused: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(allowed)) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  return refused;
}

/** Where a screenshot named `name` is kept. */
export function artefact(name: string): string {
  mkdirSync(ARTEFACTS, { recursive: true });
  return join(ARTEFACTS, name);
}
