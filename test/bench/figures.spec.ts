/** The benches' one output shape (issue 14: one JSON line per figure, with its ratio, so figures can be tracked). */
import { type Figure, logFigure } from '../../bench/support';

function printed(figure: Figure): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    logFigure(figure);
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logFigure', () => {
  it('prints one JSON line: the value, its ratio to the yardstick, and whether the ratio met its target', () => {
    const lines = printed({
      figure: 'full rebuild of all projections',
      adapter: 'pglite',
      value: 18_000,
      unit: 'events/s',
      yardstick: { name: 'read-all through the port', value: 40_000 },
      target: { op: '>=', bound: 0.5 },
      details: { seconds: 11.1 },
    });
    expect(lines).toEqual([
      {
        figure: 'full rebuild of all projections',
        adapter: 'pglite',
        value: 18_000,
        unit: 'events/s',
        yardstick: 'read-all through the port',
        yardstickValue: 40_000,
        ratio: 0.45,
        target: 'ratio >= 0.5',
        met: false,
        seconds: 11.1,
      },
    ]);
  });

  it('judges the ratio unrounded: one that prints as 0.5 can still miss a target of 0.5', () => {
    const line = printed({
      figure: 'f',
      value: 496,
      unit: 'x',
      yardstick: { name: 'y', value: 1000 },
      target: { op: '>=', bound: 0.5 },
    })[0];
    expect(line).toMatchObject({ ratio: 0.5, met: false });
  });

  it('without a yardstick judges the value itself, each way a bound can go', () => {
    const judged = (value: number, op: '>=' | '<=' | '<', bound: number) =>
      printed({ figure: 'f', value, unit: 'ms', target: { op, bound } })[0];
    expect(judged(25, '<=', 25)).toMatchObject({ target: '<= 25', met: true });
    expect(judged(25, '<', 25)).toMatchObject({ target: '< 25', met: false });
    expect(judged(24.9, '<', 25)).toMatchObject({ met: true });
    expect(judged(0.59, '>=', 0.6)).toMatchObject({ met: false });
    expect(judged(0.6, '>=', 0.6)).toMatchObject({ met: true });
  });

  it('names no target and no ratio where there is none, and a zero yardstick gives no ratio rather than Infinity', () => {
    expect(printed({ figure: 'f', value: 3, unit: 'ms' })[0]).toEqual({ figure: 'f', value: 3, unit: 'ms' });
    expect(
      printed({ figure: 'f', value: 3, unit: 'x', yardstick: { name: 'y', value: 0 }, target: { op: '>=', bound: 1 } })[0],
    ).toMatchObject({ ratio: null, met: false });
  });
});
