import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack, type ParseStackOptions } from './load-stack.js';

const options: ParseStackOptions = { projectDir: '/proj', env: {} };

function parse(lines: readonly string[]) {
  return parseStack([{ file: 'compose.yaml', text: `${lines.join('\n')}\n` }], options);
}

const started = (restart: boolean) => ({ condition: 'service_started', required: true, restart });

describe('implicit dependencies (as compose-go adds them)', () => {
  it('links, network_mode/ipc/pid/uts service:x and volumes_from make x start first', () => {
    const result = parse([
      'services:',
      '  web:',
      '    image: w',
      '    links: [api:backend, cache]',
      '    volumes_from: ["files:ro", "container:outside"]',
      '  api:',
      '    image: a',
      '    network_mode: service:vpn',
      '    ipc: service:shm',
      '    pid: service:tracer',
      '    uts: service:host-name',
      '  cache: {image: c}',
      '  files: {image: f}',
      '  vpn: {image: v}',
      '  shm: {image: s}',
      '  tracer: {image: t}',
      '  host-name: {image: h}',
    ]);
    if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
    const { services, startOrder } = result.value;
    expect(services['web']?.dependsOn).toEqual({
      api: started(true),
      cache: started(true),
      files: started(false),
    });
    expect(services['api']?.dependsOn).toEqual({
      vpn: started(true),
      shm: started(true),
      tracer: started(true),
      'host-name': started(true),
    });
    const before = (a: string, b: string) => startOrder.indexOf(a) < startOrder.indexOf(b);
    for (const [dependency, dependant] of [
      ['api', 'web'],
      ['cache', 'web'],
      ['files', 'web'],
      ['vpn', 'api'],
      ['tracer', 'api'],
    ] as const)
      expect(before(dependency, dependant), `${dependency} before ${dependant}`).toBe(true);
  });

  it('keeps an explicit depends_on entry for the same service', () => {
    const result = parse([
      'services:',
      '  web:',
      '    image: w',
      '    links: [db]',
      '    depends_on: {db: {condition: service_healthy}}',
      '  db: {image: d}',
    ]);
    if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
    expect(result.value.services['web']?.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
    });
  });

  it('reports a cycle through them at the entry that closes it, naming the key', () => {
    const result = parse([
      'services:',
      '  a:',
      '    image: a',
      '    links: [b]',
      '  b:',
      '    image: b',
      '    network_mode: service:a',
    ]);
    expect(result.ok ? [] : result.error.map(formatDiagnostic)).toEqual([
      'compose.yaml:7:19: dependency cycle: a → b → a\n' +
        '  → remove one of these dependencies, e.g. "a" from the network_mode of "b"',
    ]);
  });

  it('reports an undefined service named by them, at the entry', () => {
    const result = parse(['services:', '  a:', '    image: a', '    volumes_from: [ghost]']);
    expect(result.ok ? [] : result.error.map(formatDiagnostic)).toEqual([
      'compose.yaml:4:20: service "a" depends on "ghost" (through volumes_from), which is not defined\n' +
        '  → define a service "ghost", or remove the dependency',
    ]);
  });
});
