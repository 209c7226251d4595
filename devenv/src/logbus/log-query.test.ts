import { describe, expect, it } from 'vitest';
import { parseLogQuery } from './log-query.js';

describe('parseLogQuery', () => {
  it.each([
    ['workflowId=Wf-1', { fieldEquals: { key: 'workflowId', value: 'Wf-1', anySpelling: true } }],
    ['http.status = 500', { fieldEquals: { key: 'http.status', value: '500', anySpelling: true } }],
    ['level>=warn', { minLevel: 'warn' }],
    ['level=ERROR', { level: 'error' }],
    ['service=dispatcher', { service: 'dispatcher' }],
    ['connection refused', { text: 'connection refused' }],
    ['=x', { text: '=x' }],
  ])('reads %j', (query, filter) => {
    expect(parseLogQuery(query)).toMatchObject({ ok: true, value: { filter } });
  });

  it('says what is wrong with a query it cannot read', () => {
    expect(parseLogQuery('level>=loud')).toEqual({
      ok: false,
      error: 'level>=loud: no level named loud (trace, debug, info, warn, error, fatal)',
    });
    expect(parseLogQuery('status>=500')).toMatchObject({ ok: false });
  });
});
