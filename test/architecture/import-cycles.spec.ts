import { importCircles, importGraph } from './import-graph';

describe('imports', () => {
  const graph = importGraph();

  it('form no circle: no module of apps/ or libs/ imports one that imports it back, directly or through others', () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it('are all seen: relative imports and the @kring/* libraries, type-only imports included', () => {
    expect(graph.get('apps/api/src/commands/command-runner.ts')).toEqual(
      expect.arrayContaining(['libs/event-store/src/index.ts', 'libs/domain/src/index.ts', 'apps/api/src/commands/streams.ts']),
    );
    expect(graph.get('libs/domain/src/network/decide.ts')).toContain('libs/domain/src/shared/standing.ts');
  });

  it('a circle is named module by module, back to where it started', () => {
    const circular = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCircles(circular)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });
});
