import { describe, expect, it } from 'vitest';
import {
  initialEngineState,
  initialServiceState,
  type EngineState,
  type ServiceState,
} from '../engine/service-state.js';
import { filterLines, lsTable, parseLsFilters, projectStatus } from './ls-view.js';

function stateOf(services: Partial<ServiceState>[]): EngineState {
  const base = initialEngineState(services.map((_, i) => `s${i}`));
  return {
    ...base,
    services: Object.fromEntries(
      services.map((s, i) => [`s${i}`, { ...initialServiceState(`s${i}`), ...s }]),
    ),
  };
}

describe('projectStatus', () => {
  it("counts services by Compose's container states, sorted as Compose prints them", () => {
    const state = stateOf([
      { phase: 'healthy' },
      { phase: 'starting' },
      { phase: 'crashed', nextStartAt: 1 },
      { phase: 'crashed' },
      { phase: 'completed' },
      { phase: 'healthy', paused: true },
      { phase: 'blocked' },
    ]);
    expect(projectStatus(state)).toBe(
      'created(1), exited(2), paused(1), restarting(1), running(2)',
    );
  });
  it('says unknown without a state to count', () => {
    expect(projectStatus(undefined)).toBe('unknown');
  });
});

describe('ls filters and table', () => {
  const lines = [
    { Name: 'web', Status: 'running(1)', ConfigFiles: '/w/compose.yaml' },
    { Name: 'api', Status: 'exited', ConfigFiles: '/a/compose.yaml,/a/override.yaml' },
  ];
  it('name=TEXT keeps names containing TEXT; other keys are refused with what to write', () => {
    expect(parseLsFilters(['name=we'])).toEqual({ names: ['we'] });
    expect(parseLsFilters(['status=running'])).toMatchObject({ problem: /name=TEXT/ });
    expect(parseLsFilters(['name'])).toMatchObject({ problem: /name=TEXT/ });
    expect(filterLines(lines, ['we']).map((l) => l.Name)).toEqual(['web']);
    expect(filterLines(lines, []).map((l) => l.Name)).toEqual(['api', 'web']);
  });
  it('prints columns as wide as their widest cell', () => {
    expect(lsTable(filterLines(lines, []))).toBe(
      [
        'NAME   STATUS       CONFIG FILES',
        'api    exited       /a/compose.yaml,/a/override.yaml',
        'web    running(1)   /w/compose.yaml',
      ].join('\n'),
    );
  });
});
