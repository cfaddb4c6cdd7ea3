import { GrowingMap } from './growing-map';

const entriesOf = (map: GrowingMap<string, number>, keys: string[]) => ({
  size: map.size,
  seen: Object.fromEntries(keys.filter((key) => map.has(key)).map((key) => [key, map.get(key)])),
});

describe('GrowingMap', () => {
  const keys = ['a', 'b', 'c', 'd'];

  it('gives each version its own entries: adding to the newest leaves the versions before it as they were', () => {
    const empty = GrowingMap.empty<string, number>();
    const one = empty.with('a', 1);
    const two = one.with('b', 2);
    expect(entriesOf(empty, keys)).toEqual({ size: 0, seen: {} });
    expect(entriesOf(one, keys)).toEqual({ size: 1, seen: { a: 1 } });
    expect(entriesOf(two, keys)).toEqual({ size: 2, seen: { a: 1, b: 2 } });
    expect(one.get('b')).toBeUndefined();
  });

  it('keeps versions apart when an older one is given other entries (a branch), whatever the order', () => {
    const base = GrowingMap.empty<string, number>().with('a', 1);
    const left = base.with('b', 2);
    const right = base.with('c', 3);
    const rightAgain = right.with('d', 4);
    const leftAgain = left.with('c', 30);
    expect(entriesOf(base, keys)).toEqual({ size: 1, seen: { a: 1 } });
    expect(entriesOf(left, keys)).toEqual({ size: 2, seen: { a: 1, b: 2 } });
    expect(entriesOf(right, keys)).toEqual({ size: 2, seen: { a: 1, c: 3 } });
    expect(entriesOf(rightAgain, keys)).toEqual({ size: 3, seen: { a: 1, c: 3, d: 4 } });
    expect(entriesOf(leftAgain, keys)).toEqual({ size: 3, seen: { a: 1, b: 2, c: 30 } });
  });

  it('sets a key again as a new version, the old value staying with the versions before', () => {
    const first = GrowingMap.empty<string, number>().with('a', 1).with('b', 2);
    const second = first.with('a', 10);
    const third = second.with('c', 3);
    expect(entriesOf(first, keys)).toEqual({ size: 2, seen: { a: 1, b: 2 } });
    expect(entriesOf(second, keys)).toEqual({ size: 2, seen: { a: 10, b: 2 } });
    expect(entriesOf(third, keys)).toEqual({ size: 3, seen: { a: 10, b: 2, c: 3 } });
  });

  it('adds to the newest version without copying: the time per entry does not grow with the map', () => {
    const time = (count: number) => {
      let map = GrowingMap.empty<string, number>();
      const started = performance.now();
      for (let i = 0; i < count; i++) map = map.with(`k${i}`, i);
      return { map, ms: performance.now() - started };
    };
    time(20_000); // warm-up
    const { map, ms } = time(20_000);
    expect(map.size).toBe(20_000);
    // Copying the map per entry would take 20,000²/2 entry copies (seconds); sharing it takes milliseconds.
    expect(ms).toBeLessThan(1000);
  });
});
