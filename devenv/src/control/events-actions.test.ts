import { describe, expect, it } from 'vitest';
import { serviceOfInstance } from './events-actions.js';

describe('serviceOfInstance', () => {
  it('a replica belongs to its service, and still does once scaled away', () => {
    let instances: Record<string, readonly string[]> = { web: ['web-1', 'web-2'] };
    const serviceOf = serviceOfInstance((service) => instances[service]);
    expect(['web-1', 'web-2', 'api', 'api-2'].map(serviceOf)).toEqual([
      'web',
      'web',
      'api',
      'api-2',
    ]);
    instances = { web: ['web-1'] };
    expect([serviceOf('web-2'), serviceOf('web-3')]).toEqual(['web', 'web-3']);
  });
});
