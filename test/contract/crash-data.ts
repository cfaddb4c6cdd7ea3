/** Deterministic content, so the parent can tell an intact event from a torn or altered one. */
export function crashEventData(n: number, i: number): { n: number; i: number; body: string } {
  return { n, i, body: `${n}:${i}:`.padEnd(16 + ((n * 7 + i) % 300), 'k') };
}
