import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { isRunning } from '../engine/service-state.js';
import { LEVEL_RANK } from '../logbus/log-level.js';
import type { LogLevel, LogRecord } from '../logbus/log-record.js';
import type { TestRun } from '../reload/related-tests.js';
import type { DevenvController } from './controller.js';
import { Footer, HelpOverlay } from './footer.js';
import { actionFor } from './keymap.js';
import {
  isLoadRunning,
  LoadBadge,
  LoadPicker,
  loadPickerHeight,
  pickerAction,
} from './load-picker.js';
import { LogPane } from './log-pane.js';
import { serviceUrl } from './service-url.js';
import { orderedServices, ServiceTable } from './service-table.js';
import { TemporalPanel, temporalPanelHeight } from './temporal-panel.js';
import { createFrameBudget, type FrameBudget } from './frame-budget.js';
import { useThrottledRefresh } from './use-throttled.js';
import { useUsage } from './use-usage.js';

const LOG_BUFFER = 5_000;
const BLOCK_TITLE = {
  'guard-failed': 'the reload guard failed; the running service keeps serving',
  'hot-reload-refused': 'the change did not load; the running code keeps serving',
  'proto-lint': 'buf lint rejected the protos',
  'proto-breaking': 'breaking proto change (b accepts it)',
  'proto-generate': 'code generation failed; the previous code is kept',
} as const;
const LEVELS: readonly (LogLevel | undefined)[] = [undefined, 'info', 'warn', 'error'];

/** `tests ✓ 14` / `tests ✗ 1 of 15: <name>` / `tests running…` while test-on-save is on. */
function TestsBadge({ run }: { readonly run: TestRun | undefined }) {
  if (!run) return null;
  if (run.state === 'running')
    return <Text color="yellow"> · tests running ({run.files} changed)…</Text>;
  if (run.state === 'error') return <Text color="red"> · tests: {run.detail}</Text>;
  if (run.none) return <Text dimColor> · tests: on (none related yet)</Text>;
  return run.failed > 0 ? (
    <Text color="red">
      {' '}
      · tests ✗ {run.failed} of {run.failed + run.passed}
      {run.firstFailure ? `: ${run.firstFailure}` : ''}
    </Text>
  ) : (
    <Text color="green"> · tests ✓ {run.passed}</Text>
  );
}

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
  const renderStarted = performance.now();
  const [ownBudget] = useState(() => createFrameBudget({ share: 1 }));
  const budget = givenBudget ?? ownBudget;
  // After every commit but the first (mounting is a one-off): what this frame cost React, so the
  // next one can wait accordingly.
  const mounted = useRef(false);
  useLayoutEffect(() => {
    if (mounted.current) budget.recordRender(performance.now() - renderStarted);
    mounted.current = true;
  });
  const { exit } = useApp();
  const { stdout } = useStdout();
  // Ink hands over the real terminal stream; its size is what the layout must fit.
  const terminal = stdout as NodeJS.WriteStream;
  const rows = terminal.rows || 40;
  const columns = terminal.columns || 120;

  useThrottledRefresh(controller.subscribe, budget);
  const getState = useCallback(() => controller.getState(), [controller]);
  const usage = useUsage(getState);
  const state = controller.getState();
  const names = orderedServices(state, controller.stack);

  const [selected, setSelected] = useState(0);
  const [target, setTarget] = useState<string | undefined>(undefined);
  const [paused, setPaused] = useState(false);
  const [level, setLevel] = useState(0);
  const [typing, setTypingState] = useState<string | undefined>(undefined);
  // Keys can arrive faster than renders: the handler reads the latest search text from a ref.
  const typingRef = useRef<string | undefined>(undefined);
  const setTyping = (value: string | undefined) => {
    typingRef.current = value;
    setTypingState(value);
  };
  const [search, setSearch] = useState('');
  const [current, setCurrent] = useState<number | undefined>(undefined);
  const [scroll, setScroll] = useState(0);
  const [help, setHelp] = useState(false);
  const [quitting, setQuitting] = useState(false);
  const [status, setStatus] = useState('');
  const [picker, setPicker] = useState<number | undefined>(undefined);

  // The log buffer lives outside React state: a flood appends without re-rendering per line.
  const records = useRef<LogRecord[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const subscribeLogs = useCallback(
    (onChange: () => void) => {
      records.current = controller.logs.tail(target, { limit: LOG_BUFFER });
      onChange();
      return controller.logs.subscribe(target === undefined ? {} : { service: target }, (batch) => {
        if (pausedRef.current) return;
        // Appends in place and trims once the buffer is twice its size: O(batch) per batch, not a
        // copy of the whole buffer, which under a flood would cost more than the stack's logging.
        const buffer = records.current;
        for (const record of batch) buffer.push(record);
        if (buffer.length > 2 * LOG_BUFFER) records.current = buffer.slice(-LOG_BUFFER);
        onChange();
      });
    },
    [controller, target],
  );
  useThrottledRefresh(subscribeLogs, budget);

  const minLevel = LEVELS[level];
  const recent =
    records.current.length > LOG_BUFFER ? records.current.slice(-LOG_BUFFER) : records.current;
  const shown = minLevel
    ? recent.filter((r) => r.level === undefined || LEVEL_RANK[r.level] >= LEVEL_RANK[minLevel])
    : recent;
  const matches = search
    ? shown.flatMap((r, i) => (r.text.toLowerCase().includes(search.toLowerCase()) ? [i] : []))
    : [];

  const jumpTo = (index: number | undefined) => {
    setCurrent(index);
    if (index !== undefined)
      setScroll(Math.max(0, shown.length - index - 1 - Math.floor(logHeight / 2)));
  };

  const quit = () => {
    if (quitting) return;
    setQuitting(true);
    setStatus('stopping everything…');
    void controller.quit().then(() => exit());
  };

  useEffect(() => setSelected((s) => Math.min(s, Math.max(0, names.length - 1))), [names.length]);

  useInput((input, key) => {
    const typing = typingRef.current;
    if (typing !== undefined) {
      // Typed or pasted text may arrive in one event together with its Enter.
      const newline = input.search(/[\r\n]/);
      const text = newline >= 0 ? typing + input.slice(0, newline) : typing;
      if (key.return || newline >= 0) {
        setSearch(text);
        setTyping(undefined);
        const found = shown.flatMap((r, i) =>
          r.text.toLowerCase().includes(text.toLowerCase()) ? [i] : [],
        );
        setStatus(
          text ? `${found.length} match${found.length === 1 ? '' : 'es'} for "${text}"` : '',
        );
        jumpTo(found.at(-1));
      } else if (key.escape) {
        setTyping(undefined);
      } else if (key.backspace || key.delete) {
        setTyping(typing.slice(0, -1));
      } else if (input && !key.ctrl && !key.meta) {
        setTyping(typing + input);
      }
      return;
    }
    if (help) {
      if (input === '?' || key.escape || input === 'q') setHelp(false);
      return;
    }
    if (picker !== undefined) {
      const profiles = controller.loadProfiles();
      const choice = pickerAction(input, key, profiles, picker, isLoadRunning(controller.load()));
      switch (choice.type) {
        case 'move':
          setPicker(choice.index);
          break;
        case 'run': {
          const started = controller.startLoad(choice.profile);
          setStatus(
            started.started
              ? `load ${choice.profile} started: k6's lines are in the logs (service k6)`
              : `load ${choice.profile} not started: ${started.reason}`,
          );
          setPicker(undefined);
          break;
        }
        case 'stop':
          if (controller.stopLoad()) setStatus('stopping k6 (it still prints its summary)');
          setPicker(undefined);
          break;
        case 'close':
          setPicker(undefined);
          break;
        case 'none':
          break;
      }
      return;
    }
    const action = actionFor(input, key);
    const name = names[selected];
    switch (action.type) {
      case 'select':
        setSelected((s) => Math.min(Math.max(0, s + action.delta), names.length - 1));
        break;
      case 'focus-logs':
        setTarget(name);
        setScroll(0);
        break;
      case 'all-logs':
        setTarget(undefined);
        setScroll(0);
        setSearch('');
        setCurrent(undefined);
        break;
      case 'restart':
        if (name) {
          setStatus(`restarting ${name}…`);
          void controller.restart(name).then(() => setStatus(`${name} restarted`));
        }
        break;
      case 'toggle-stop':
        if (name) {
          const s = state.services[name];
          if (s && (isRunning(s.phase) || s.phase === 'crashed' || s.phase === 'pending')) {
            setStatus(`stopping ${name}…`);
            void controller.stop(name).then(() => setStatus(`${name} stopped (s to start)`));
          } else {
            controller.start(name);
            setStatus(`starting ${name}…`);
          }
        }
        break;
      case 'search':
        setTyping('');
        break;
      case 'next-match': {
        if (matches.length === 0) break;
        const position = current === undefined ? -1 : matches.indexOf(current);
        const next = matches[(position + action.delta + matches.length) % matches.length];
        jumpTo(next);
        setStatus(`match ${matches.indexOf(next!) + 1}/${matches.length}`);
        break;
      }
      case 'cycle-level':
        setLevel((l) => (l + 1) % LEVELS.length);
        break;
      case 'toggle-pause':
        setPaused((p) => !p);
        break;
      case 'scroll':
        setScroll((s) => Math.max(0, s + action.delta));
        break;
      case 'accept-breaking':
        if (controller.reloadBlock()?.reason === 'proto-breaking') {
          controller.acceptBreaking();
          setStatus('breaking change accepted: save a .proto again to reload');
        }
        break;
      case 'toggle-tests':
        setStatus(
          controller.toggleTests()
            ? 'test-on-save on: saving a file runs the tests related to it'
            : 'test-on-save off',
        );
        break;
      case 'pick-load':
        setPicker(0);
        break;
      case 'open-url': {
        const spec = name ? controller.stack.services[name] : undefined;
        const url = spec ? serviceUrl(spec) : undefined;
        if (!name) break;
        if (url === undefined) {
          setStatus(`${name} has no page to open (set x-devenv.url in the compose file)`);
          break;
        }
        setStatus(`opening ${url}…`);
        void controller
          .openUrl(url)
          .then((opened) =>
            setStatus(
              opened.ok ? `opened ${url}` : `${name}: ${url} (not opened: ${opened.error})`,
            ),
          );
        break;
      }
      case 'help':
        setHelp(true);
        break;
      case 'quit':
        quit();
        break;
      case 'none':
        break;
    }
  });

  const block = controller.reloadBlock();
  const temporal = controller.temporal();
  const healthy = names.filter((n) => state.services[n]?.phase === 'healthy').length;
  const tableHeight =
    names.length + new Set(names.map((n) => controller.stack.services[n]?.devenv.group)).size + 1;
  const loadStatus = controller.load();
  const profiles = picker !== undefined ? controller.loadProfiles() : [];
  const logHeight = Math.max(
    3,
    rows -
      tableHeight -
      5 -
      (block ? 8 : 0) -
      temporalPanelHeight(temporal) -
      (picker !== undefined ? loadPickerHeight(profiles, loadStatus) : 0),
  );
  const title = [
    target ? `logs: ${target}` : 'logs: all services',
    minLevel ? `level ≥ ${minLevel}` : '',
    paused ? 'PAUSED' : '',
    scroll > 0 ? `scrolled ${scroll}` : '',
    typing !== undefined ? `search: ${typing}█` : search ? `search: ${search} (n/N)` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>devenv</Text> <Text dimColor>{controller.projectName}</Text> · {healthy}/
        {names.length} healthy
        {quitting ? <Text color="yellow"> · stopping</Text> : null}
        <TestsBadge run={controller.tests()} />
        <LoadBadge status={loadStatus} />
      </Text>
      <ServiceTable
        state={state}
        stack={controller.stack}
        selected={selected}
        usage={usage}
        now={Date.now()}
        width={columns}
      />
      {temporal ? <TemporalPanel overview={temporal} width={columns} /> : null}
      {block ? (
        <Box borderStyle="round" borderColor="red" flexDirection="column" paddingX={1}>
          <Text color="red" bold>
            reload blocked: {BLOCK_TITLE[block.reason]}
          </Text>
          <Text>{block.detail.split('\n').slice(0, 6).join('\n')}</Text>
        </Box>
      ) : null}
      {picker !== undefined ? (
        <LoadPicker profiles={profiles} index={picker} status={loadStatus} />
      ) : null}
      {help ? (
        <HelpOverlay />
      ) : (
        <LogPane
          records={shown}
          height={logHeight}
          width={columns}
          scroll={scroll}
          search={search}
          currentMatch={current}
          title={title}
          showService={target === undefined}
        />
      )}
      <Footer status={status} />
    </Box>
  );
}
