/** How to hand a URL to the desktop's browser, or why this session has none. */
export type UrlOpener =
  | { readonly kind: 'command'; readonly command: string; readonly args: readonly string[] }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Pure: decided from the platform and environment only. Over SSH, or on Linux without a display,
 * a browser would open on the wrong machine or not at all, so the URL is shown instead.
 */
export function urlOpenerFor(
  url: string,
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): UrlOpener {
  if (env['SSH_CONNECTION'] || env['SSH_TTY'])
    return { kind: 'none', reason: 'an SSH session: open it on your own machine' };
  if (env['BROWSER']) return { kind: 'command', command: env['BROWSER'], args: [url] };
  switch (platform) {
    case 'darwin':
      return { kind: 'command', command: 'open', args: [url] };
    case 'win32':
      // `start`'s first quoted argument is a window title, hence the empty one.
      return { kind: 'command', command: 'cmd', args: ['/c', 'start', '""', url] };
    default:
      if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY'])
        return { kind: 'none', reason: 'no display in this terminal session' };
      return { kind: 'command', command: 'xdg-open', args: [url] };
  }
}
