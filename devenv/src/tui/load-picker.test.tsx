import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { LoadStatus } from '../load/load-runner.js';
import { LoadPicker, loadPickerHeight, loadReportUrl } from './load-picker.js';

const FINISHED: LoadStatus = {
  state: 'finished',
  profile: 'smoke',
  outcome: { kind: 'passed' },
  stopped: false,
  progress: '',
  grafanaUrl: undefined,
  reportPath: '/home/ada/time cop/.devenv/load/smoke-20261204-235905.html',
};

describe('load picker: the last run report', () => {
  it('shows the report path under the verdict, one row taller', () => {
    const ui = render(
      createElement(LoadPicker, { profiles: ['smoke', 'load'], index: 0, status: FINISHED }),
    );
    expect(ui.lastFrame()).toContain('report: .devenv/load/smoke-20261204-235905.html');
    ui.unmount();
    expect(loadPickerHeight(['smoke', 'load'], FINISHED)).toBe(8);
    expect(loadPickerHeight(['smoke', 'load'], { ...FINISHED, reportPath: undefined })).toBe(7);
  });

  it('gives the report as a file:// URL for openUrl, and nothing while a run is going', () => {
    expect(loadReportUrl(FINISHED)).toBe(
      'file:///home/ada/time%20cop/.devenv/load/smoke-20261204-235905.html',
    );
    expect(loadReportUrl({ state: 'running', profile: 'smoke', progress: '' })).toBeUndefined();
    expect(loadReportUrl(undefined)).toBeUndefined();
  });
});
