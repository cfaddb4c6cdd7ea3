import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const LIBS: Record<string, string> = {
  '@kring/domain': 'libs/domain/src',
  '@kring/event-store': 'libs/event-store/src',
  '@kring/projections': 'libs/projections/src',
  '@kring/privacy': 'libs/privacy/src',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

function resolveModule(from: string, specifier: string): string | undefined {
  const lib = Object.keys(LIBS).find((name) => specifier === name || specifier.startsWith(`${name}/`));
  const base = lib ? join(LIBS[lib], specifier.slice(lib.length)) : specifier.startsWith('.') ? join(dirname(from), specifier) : undefined;
  if (base === undefined) return undefined; // a package
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')])
    if (existsSync(join(ROOT, candidate))) return relative(ROOT, join(ROOT, candidate));
  return undefined;
}

/** Every module of apps/ and libs/ (tests aside) and the modules it imports, type-only imports included. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...sourceFiles('apps'), ...sourceFiles('libs')]) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = importedFiles.map(({ fileName }) => resolveModule(file, fileName)).filter((target): target is string => !!target);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The import circles of a graph: each a path that starts and ends at the same module (Tarjan's strongly connected components, one circle named per component). */
export function importCircles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) components.push(component.reverse());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => circleWithin(graph, new Set(component)));
}

/** One circle through the first module of a component, by a breadth-first search back to it. */
function circleWithin(graph: Map<string, string[]>, component: Set<string>): string[] {
  const [start] = component;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of graph.get(node) ?? []) {
      if (!component.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
