/**
 * A whole-number setting from the environment: its default when unset or blank, a clear error at start
 * for anything else than a whole number from 1 up to `max`.
 */
export function wholeNumberSetting(
  name: string,
  unit: string,
  fallback: number,
  max: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^[1-9]\d*$/.test(raw) ? Number(raw) : NaN;
  if (!(value <= max)) throw new Error(`${name} must be a whole number of ${unit} (1 to ${max}), not "${raw}"`);
  return value;
}
