/**
 * Polls `check` until it returns something truthy, and resolves to that; fails after `timeoutMs`,
 * naming what it waited for. Tests wait for a condition this way, never for a fixed time.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Until the clock has moved past `instant` (the store records milliseconds): what is appended next is recorded after it. */
export const clockPasses = (instant: Date): Promise<boolean> =>
  eventually(`the clock passes ${instant.toISOString()}`, () => Date.now() > instant.getTime());
