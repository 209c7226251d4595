import { describe, expect, it } from 'vitest';
import { findCycles, resolveDependencies, startOrder, type GraphNode } from './dependency-graph.js';
import type { Dependency } from './stack.js';
import { closestName, editDistance } from './suggest.js';

const started: Dependency = { condition: 'service_started', required: true, restart: false };

function node(name: string, ...deps: string[]): GraphNode {
  return {
    name,
    dependsOn: Object.fromEntries(deps.map((d) => [d, started])),
    edges: Object.fromEntries(
      deps.map((d) => [d, { path: ['services', name, 'depends_on', d], at: 'key' as const }]),
    ),
  };
}

describe('startOrder', () => {
  it('puts every service after its dependencies, file order among peers', () => {
    const nodes = [
      node('web', 'api'),
      node('api', 'db', 'temporal'),
      node('temporal'),
      node('db'),
      node('lone'),
    ];
    expect(startOrder(nodes)).toEqual(['temporal', 'db', 'api', 'web', 'lone']);
  });

  it('is stable for independent services', () => {
    expect(startOrder([node('c'), node('a'), node('b')])).toEqual(['c', 'a', 'b']);
  });
});

describe('findCycles', () => {
  it('prints the cycle and points at the edge that closes it', () => {
    const problems = findCycles([node('a', 'b'), node('b', 'c'), node('c', 'a'), node('d', 'a')]);
    expect(problems).toEqual([
      {
        path: ['services', 'c', 'depends_on', 'a'],
        at: 'key',
        message: 'dependency cycle: a → b → c → a',
        hint: 'remove one of these depends_on entries, e.g. "a" from "c"',
      },
    ]);
  });

  it('finds a self-dependency and separate cycles once each', () => {
    const messages = findCycles([
      node('s', 's'),
      node('x', 'y'),
      node('y', 'x'),
      node('z', 'x'),
    ]).map((p) => p.message);
    expect(messages).toEqual(['dependency cycle: s → s', 'dependency cycle: x → y → x']);
  });

  it('survives a long chain without recursion', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) =>
      node(`s${i}`, ...(i > 0 ? [`s${i - 1}`] : [])),
    );
    expect(findCycles(nodes)).toEqual([]);
  });
});

describe('resolveDependencies', () => {
  it('reports unknown dependencies (even optional ones, as compose-go) and profile-disabled required ones, drops optional disabled ones', () => {
    const optional: Dependency = { ...started, required: false };
    const nodes: GraphNode[] = [
      node('api', 'tempral', 'grafana', 'db'),
      { ...node('web'), dependsOn: { ghost: optional, grafana: optional, api: started } },
      node('db'),
    ];
    const { dependsOn, problems } = resolveDependencies(nodes, {
      defined: ['api', 'web', 'db', 'temporal', 'grafana'],
      inactive: new Map([
        ['temporal', ['platform']],
        ['grafana', ['observability', 'all']],
      ]),
    });
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      [
        'service "api" depends on "tempral", which is not defined; did you mean "temporal"?',
        'change it to "temporal"',
      ],
      [
        'service "api" depends on "grafana", which is disabled: it only runs with profile "observability" or "all"',
        'enable it with --profile observability, or mark the dependency required: false',
      ],
      [
        'service "web" depends on "ghost", which is not defined',
        'define a service "ghost", or remove the dependency',
      ],
    ]);
    expect(dependsOn.get('api')).toEqual({ db: started });
    expect(dependsOn.get('web')).toEqual({ api: started });
  });
});

describe('closestName', () => {
  it('suggests near misses only', () => {
    expect(closestName('postgress', ['postgres', 'temporal'])).toBe('postgres');
    expect(closestName('Temporal', ['postgres', 'temporal'])).toBe('temporal');
    expect(closestName('a', ['b'])).toBe('b');
    expect(closestName('redis', ['postgres', 'temporal'])).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
