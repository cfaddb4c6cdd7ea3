/**
 * Why someone uses a person's data: the purposes of use the access log knows (NEN 7513's "doel van het
 * gebruik"). A request says one of them (X-Kring-Purpose) or gets its role's usual one.
 */
export const PURPOSES = {
  care: 'care of the person (begeleiding)',
  management: 'running the networks and the project',
  evaluation: 'measuring the methods’ impact',
  audit: 'checking who used what',
  /** Access outside the usual way, to prevent harm (noodtoegang): allowed, and logged as such for review. */
  emergency: 'an emergency (noodtoegang), reviewed afterwards',
} as const;

export type Purpose = keyof typeof PURPOSES;

export const isPurpose = (value: string): value is Purpose => Object.hasOwn(PURPOSES, value);
