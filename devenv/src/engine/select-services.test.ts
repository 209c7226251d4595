import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import { selectServices } from './select-services.js';

const stack = testStack('/', {
  db: { command: ['db'] },
  cache: { command: ['cache'] },
  api: { command: ['api'], dependsOn: { db: 'service_healthy', cache: 'service_started' } },
  web: { command: ['web'], dependsOn: { api: 'service_started' } },
  tools: { command: ['tools'] },
});

function picked(names: string[], dependencies = true) {
  const selection = selectServices(stack, names, { dependencies });
  if (!selection.ok) throw new Error(`unknown ${selection.unknown.join(', ')}`);
  return selection.stack;
}

describe('selectServices (devenv up [SERVICE…] [--no-deps])', () => {
  it('all services when none are named', () => {
    expect(picked([]).startOrder).toEqual(stack.startOrder);
  });

  it('the named services and what they depend on, transitively, in start order', () => {
    expect(picked(['web']).startOrder).toEqual(
      stack.startOrder.filter((n) => ['db', 'cache', 'api', 'web'].includes(n)),
    );
    expect(Object.keys(picked(['web']).services['api']!.dependsOn)).toEqual(['db', 'cache']);
  });

  it('--no-deps: the named services alone, with no dependency left to wait for', () => {
    const alone = picked(['api'], false);
    expect(alone.startOrder).toEqual(['api']);
    expect(alone.services['api']!.dependsOn).toEqual({});
    // A dependency that is itself named stays one.
    const both = picked(['web', 'api'], false);
    expect(Object.keys(both.services['web']!.dependsOn)).toEqual(['api']);
    expect(Object.keys(both.services['api']!.dependsOn)).toEqual([]);
  });

  it('names the services the stack lacks', () => {
    expect(selectServices(stack, ['api', 'nope', 'gone'])).toEqual({
      ok: false,
      unknown: ['nope', 'gone'],
    });
  });
});
