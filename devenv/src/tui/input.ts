import type { LogRecord } from '../logbus/log-record.js';
import { actionFor, type KeyAction, type KeyInfo } from './keymap.js';
import { pickerAction } from './load-picker.js';
import { matchingIndexes, queryProblem } from './log-search.js';
import { jumpTo, LEVELS, modeOf, type InputMode, type ViewState } from './view-state.js';

/** What the screen knows when a key arrives; read, never changed, by the handlers. */
export interface InputContext {
  /** Service names in table order. */
  readonly services: readonly string[];
  /** The log records the pane shows (after the level filter). */
  readonly shown: readonly LogRecord[];
  readonly logHeight: number;
  readonly loadProfiles: () => readonly string[];
  readonly loadRunning: boolean;
  /** The last load run's HTML report as a file:// URL, when there is one. */
  readonly loadReport?: string | undefined;
  /** The engine would act on a stop now (else `s` starts the service). */
  readonly canStop: (service: string) => boolean;
  /** A breaking proto change is blocked and waits for `b`. */
  readonly breakingBlocked: boolean;
  readonly urlOf: (service: string) => string | undefined;
  /** The Temporal panel's marked failure: its workflow, and its page when the UI is known. */
  readonly temporalFailure?:
    { readonly workflowId: string; readonly url: string | undefined } | undefined;
}

/** What a key asks the engine to do; the screen's own changes are in the returned view. */
export type Command =
  | { readonly type: 'restart'; readonly service: string }
  | { readonly type: 'stop'; readonly service: string }
  | { readonly type: 'start'; readonly service: string }
  | { readonly type: 'start-load'; readonly profile: string }
  | { readonly type: 'stop-load' }
  | { readonly type: 'accept-breaking' }
  | { readonly type: 'toggle-tests' }
  | { readonly type: 'open-url'; readonly service: string; readonly url: string }
  | { readonly type: 'quit' };

export interface Transition {
  readonly view: ViewState;
  readonly command?: Command;
}

type Handler = (view: ViewState, input: string, key: KeyInfo, ctx: InputContext) => Transition;

const HANDLERS: Record<InputMode, Handler> = {
  typing: handleTyping,
  help: handleHelp,
  picker: handlePicker,
  normal: handleNormal,
};

/** One key press: the new view and, maybe, one command for the engine. Pure. */
export function handleInput(
  view: ViewState,
  input: string,
  key: KeyInfo,
  ctx: InputContext,
): Transition {
  return HANDLERS[modeOf(view)](view, input, key, ctx);
}

function handleTyping(view: ViewState, input: string, key: KeyInfo, ctx: InputContext): Transition {
  const typing = view.typing ?? '';
  // Typed or pasted text may arrive in one event together with its Enter.
  const newline = input.search(/[\r\n]/);
  if (key.return || newline >= 0) {
    const text = newline >= 0 ? typing + input.slice(0, newline) : typing;
    const found = matchingIndexes(ctx.shown, text);
    const status = text
      ? (queryProblem(text) ??
        `${found.length} match${found.length === 1 ? '' : 'es'} for "${text}"`)
      : '';
    const confirmed = { ...view, search: text, typing: undefined, status };
    return { view: jumpTo(confirmed, found.at(-1), ctx.shown.length, ctx.logHeight) };
  }
  if (key.escape) return { view: { ...view, typing: undefined } };
  if (key.backspace || key.delete) return { view: { ...view, typing: typing.slice(0, -1) } };
  if (input && !key.ctrl && !key.meta) return { view: { ...view, typing: typing + input } };
  return { view };
}

function handleHelp(view: ViewState, input: string, key: KeyInfo): Transition {
  return input === '?' || input === 'q' || key.escape
    ? { view: { ...view, help: false } }
    : { view };
}

function handlePicker(view: ViewState, input: string, key: KeyInfo, ctx: InputContext): Transition {
  const choice = pickerAction(
    input,
    key,
    ctx.loadProfiles(),
    view.picker ?? 0,
    ctx.loadRunning,
    ctx.loadReport,
  );
  switch (choice.type) {
    case 'move':
      return { view: { ...view, picker: choice.index } };
    case 'run':
      return {
        view: { ...view, picker: undefined },
        command: { type: 'start-load', profile: choice.profile },
      };
    case 'stop':
      return { view: { ...view, picker: undefined }, command: { type: 'stop-load' } };
    case 'open-report':
      return {
        view: { ...view, picker: undefined, status: `opening ${choice.url}…` },
        command: { type: 'open-url', service: 'k6', url: choice.url },
      };
    case 'close':
      return { view: { ...view, picker: undefined } };
    case 'none':
      return { view };
  }
}

function handleNormal(view: ViewState, input: string, key: KeyInfo, ctx: InputContext): Transition {
  const action = actionFor(input, key);
  const service = ctx.services[view.selected];
  return service === undefined
    ? onScreen(view, action, ctx)
    : (onService(view, action, service, ctx) ?? onScreen(view, action, ctx));
}

/** Keys that act on the selected service; undefined for every other key. */
function onService(
  view: ViewState,
  action: KeyAction,
  service: string,
  ctx: InputContext,
): Transition | undefined {
  switch (action.type) {
    case 'focus-logs':
      return { view: { ...view, target: service, scroll: 0 } };
    case 'restart':
      return {
        view: { ...view, status: `restarting ${service}…` },
        command: { type: 'restart', service },
      };
    case 'toggle-stop':
      return ctx.canStop(service)
        ? { view: { ...view, status: `stopping ${service}…` }, command: { type: 'stop', service } }
        : {
            view: { ...view, status: `starting ${service}…` },
            command: { type: 'start', service },
          };
    case 'open-url': {
      const url = ctx.urlOf(service);
      return url === undefined
        ? {
            view: {
              ...view,
              status: `${service} has no page to open (set x-devenv.url in the compose file)`,
            },
          }
        : {
            view: { ...view, status: `opening ${url}…` },
            command: { type: 'open-url', service, url },
          };
    }
    default:
      return undefined;
  }
}

/** Keys about the screen itself, the logs and the stack as a whole. */
function onScreen(view: ViewState, action: KeyAction, ctx: InputContext): Transition {
  switch (action.type) {
    case 'select': {
      const last = Math.max(0, ctx.services.length - 1);
      return {
        view: { ...view, selected: Math.min(Math.max(0, view.selected + action.delta), last) },
      };
    }
    case 'all-logs':
      return { view: { ...view, target: undefined, scroll: 0, search: '', current: undefined } };
    case 'search':
      return { view: { ...view, typing: '' } };
    case 'next-match':
      return nextMatch(view, action.delta, ctx);
    case 'cycle-level':
      return { view: { ...view, level: (view.level + 1) % LEVELS.length } };
    case 'toggle-pause':
      return { view: { ...view, paused: !view.paused } };
    case 'scroll':
      return { view: { ...view, scroll: Math.max(0, view.scroll + action.delta) } };
    case 'accept-breaking':
      return ctx.breakingBlocked
        ? {
            view: { ...view, status: 'breaking change accepted: save a .proto again to reload' },
            command: { type: 'accept-breaking' },
          }
        : { view };
    case 'toggle-tests':
      return { view, command: { type: 'toggle-tests' } };
    case 'open-failure':
      return openFailure(view, ctx);
    case 'pick-load':
      return { view: { ...view, picker: 0 } };
    case 'help':
      return { view: { ...view, help: true } };
    case 'quit':
      return view.quitting
        ? { view }
        : {
            view: { ...view, quitting: true, status: 'stopping everything…' },
            command: { type: 'quit' },
          };
    default:
      return { view };
  }
}

/** `w`: the failing workflow's page in the Temporal UI, or why there is none to open. */
function openFailure(view: ViewState, ctx: InputContext): Transition {
  const failure = ctx.temporalFailure;
  if (!failure) return { view: { ...view, status: 'no failing workflow in the Temporal panel' } };
  if (!failure.url)
    return {
      view: {
        ...view,
        status: `${failure.workflowId}: no Temporal UI known (set x-devenv.url on the temporal service)`,
      },
    };
  return {
    view: { ...view, status: `opening ${failure.url}…` },
    command: { type: 'open-url', service: 'temporal', url: failure.url },
  };
}

function nextMatch(view: ViewState, delta: 1 | -1, ctx: InputContext): Transition {
  const matches = matchingIndexes(ctx.shown, view.search);
  if (matches.length === 0) return { view };
  const position = view.current === undefined ? -1 : matches.indexOf(view.current);
  const index = (position + delta + matches.length) % matches.length;
  const moved = jumpTo(view, matches[index], ctx.shown.length, ctx.logHeight);
  return { view: { ...moved, status: `match ${index + 1}/${matches.length}` } };
}
