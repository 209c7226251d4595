import { Box, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { canBeStopped, isServing } from '../engine/service-state.js';
import type { DevenvController } from './controller.js';
import { createFrameBudget, type FrameBudget } from './frame-budget.js';
import { Footer, HelpOverlay } from './footer.js';
import { Header, RELOAD_BANNER_HEIGHT, ReloadBanner } from './header.js';
import { handleInput, type InputContext } from './input.js';
import { isLoadRunning, LoadPicker, loadPickerHeight, loadReportUrl } from './load-picker.js';
import { LogPane, type LogPaneProps } from './log-pane.js';
import type { LogRecord } from '../logbus/log-record.js';
import { runCommand } from './run-command.js';
import { serviceUrl } from './service-url.js';
import { orderedServices, ServiceTable } from './service-table.js';
import { failureToOpen, TemporalPanel, temporalPanelHeight } from './temporal-panel.js';
import { useLogView } from './use-log-view.js';
import { useThrottledRefresh } from './use-throttled.js';
import { useUsage } from './use-usage.js';
import { INITIAL_VIEW, logTitle, type ViewState } from './view-state.js';

/**
 * The screen: wiring only. What a key does is input.ts (pure), what the engine is asked to do is
 * run-command.ts, which logs are shown is use-log-view.ts.
 */
export function App({
  controller,
  budget: givenBudget,
}: {
  readonly controller: DevenvController;
  /**
   * Shared with Ink's onRender (render.ts), which reports the output half of each frame. Without
   * one, a steady 20 fps (the component tests).
   */
  readonly budget?: FrameBudget;
}) {
  const budget = useFrameCost(givenBudget);
  const { rows, columns } = useTerminalSize();

  useThrottledRefresh(controller.subscribe, budget);
  const getState = useCallback(() => controller.getState(), [controller]);
  const usage = useUsage(getState);
  const state = controller.getState();
  const services = orderedServices(state, controller.stack);
  const [view, setView] = useView();
  const shown = useLogView(controller, budget, view.current);

  const { reloadBlock: block, reloadReady, temporal, load: loadStatus, tests } = state.panels;
  const profiles = view.current.picker !== undefined ? controller.loadProfiles() : [];
  const logHeight = logPaneHeight(rows, controller, services, view.current, profiles);

  useSelectionInTable(services.length, view, setView);
  useKeys(controller, view, setView, { services, shown, logHeight });

  const current = view.current;
  const healthy = services.filter((n) => {
    const s = state.services[n];
    return s !== undefined && isServing(s);
  }).length;
  return (
    <Box flexDirection="column">
      <Header
        projectName={controller.projectName}
        healthy={healthy}
        total={services.length}
        quitting={current.quitting}
        tests={tests}
        load={loadStatus}
        reloaded={reloadReady}
      />
      <ServiceTable
        state={state}
        stack={controller.stack}
        selected={current.selected}
        usage={usage}
        now={Date.now()}
        width={columns}
      />
      {temporal ? <TemporalPanel overview={temporal} width={columns} /> : null}
      {block ? <ReloadBanner block={block} /> : null}
      {current.picker !== undefined ? (
        <LoadPicker profiles={profiles} index={current.picker} status={loadStatus} />
      ) : null}
      {current.help ? (
        <HelpOverlay />
      ) : (
        <LogPane {...logPaneProps(current, shown, logHeight, columns)} />
      )}
      <Footer status={current.status} />
    </Box>
  );
}

/**
 * The view in a ref as well as in state: keys can arrive faster than renders, and each key must
 * see what the one before it did (a search typed in one burst, `k` then `2`).
 */
function useView(): [{ readonly current: ViewState }, (next: ViewState) => void] {
  const ref = useRef<ViewState>(INITIAL_VIEW);
  const [, setState] = useState<ViewState>(INITIAL_VIEW);
  const set = useCallback((next: ViewState) => {
    ref.current = next;
    setState(next);
  }, []);
  return [ref, set];
}

/** What each frame cost React, recorded after every commit but the first (mounting is one-off). */
function useFrameCost(given: FrameBudget | undefined): FrameBudget {
  const renderStarted = performance.now();
  const [own] = useState(() => createFrameBudget({ share: 1 }));
  const budget = given ?? own;
  const mounted = useRef(false);
  useLayoutEffect(() => {
    if (mounted.current) budget.recordRender(performance.now() - renderStarted);
    mounted.current = true;
  });
  return budget;
}

function useTerminalSize(): { rows: number; columns: number } {
  const { stdout } = useStdout();
  // Ink hands over the real terminal stream; its size is what the layout must fit.
  const terminal = stdout as NodeJS.WriteStream;
  return { rows: terminal.rows || 40, columns: terminal.columns || 120 };
}

/** Rows left for the log pane once the header, the table and the open panels are drawn. */
function logPaneHeight(
  rows: number,
  controller: DevenvController,
  services: readonly string[],
  view: ViewState,
  profiles: readonly string[],
): number {
  const { reloadBlock, temporal, load } = controller.getState().panels;
  const groups = new Set(services.map((n) => controller.stack.services[n]?.devenv.group)).size;
  return Math.max(
    3,
    rows -
      (services.length + groups + 1) -
      5 -
      (reloadBlock ? RELOAD_BANNER_HEIGHT : 0) -
      temporalPanelHeight(temporal) -
      (view.picker !== undefined ? loadPickerHeight(profiles, load) : 0),
  );
}

/** Each key: the pure handler's new view, and its command carried out. */
function useKeys(
  controller: DevenvController,
  view: { readonly current: ViewState },
  setView: (next: ViewState) => void,
  screen: Pick<InputContext, 'services' | 'shown' | 'logHeight'>,
): void {
  const { exit } = useApp();
  useInput((input, key) => {
    const { reloadBlock, load } = controller.getState().panels;
    const context: InputContext = {
      ...screen,
      loadProfiles: () => controller.loadProfiles(),
      loadRunning: isLoadRunning(load),
      loadReport: loadReportUrl(load),
      canStop: (name) => {
        const service = controller.getState().services[name];
        return service !== undefined && canBeStopped(service.phase);
      },
      breakingBlocked: reloadBlock?.reason === 'proto-breaking',
      temporalFailure: failureToOpen(controller.getState().panels.temporal),
      urlOf: (name) => {
        const spec = controller.stack.services[name];
        return spec ? serviceUrl(spec) : undefined;
      },
    };
    const { view: next, command } = handleInput(view.current, input, key, context);
    setView(next);
    if (command)
      runCommand(
        controller,
        command,
        (status) => setView({ ...view.current, status }),
        () => exit(),
      );
  });
}

/** A service that goes away (a narrower selection) leaves the selection inside the table. */
function useSelectionInTable(
  count: number,
  view: { readonly current: ViewState },
  setView: (next: ViewState) => void,
): void {
  useEffect(() => {
    const last = Math.max(0, count - 1);
    if (view.current.selected > last) setView({ ...view.current, selected: last });
  }, [count, view, setView]);
}

function logPaneProps(
  view: ViewState,
  records: readonly LogRecord[],
  height: number,
  width: number,
): LogPaneProps {
  return {
    records,
    height,
    width,
    scroll: view.scroll,
    search: view.search,
    currentMatch: view.current,
    title: logTitle(view),
    showService: view.target === undefined,
  };
}
