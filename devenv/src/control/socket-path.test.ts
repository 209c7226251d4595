import { describe, expect, it } from 'vitest';
import { controlSocketPath, MAX_SOCKET_PATH_BYTES } from './socket-path.js';

const linux = { platform: 'linux', uid: 1000 } as const;

describe('controlSocketPath', () => {
  it('is control.sock in the state directory', () => {
    expect(controlSocketPath('/home/ada/project/.devenv', linux)).toBe(
      '/home/ada/project/.devenv/control.sock',
    );
  });

  it('moves a path too long for a socket into the user’s private directory under /tmp', () => {
    const deep = `/home/ada/${'nested/'.repeat(14)}.devenv`;
    const path = controlSocketPath(deep, linux);
    expect(path).toMatch(/^\/tmp\/devenv-1000\/[0-9a-f]{16}\.sock$/);
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    // Fixed for a checkout: the commands of any terminal find the devenv that listens.
    expect(controlSocketPath(deep, linux)).toBe(path);
    expect(controlSocketPath(`${deep}x`, linux)).not.toBe(path);
  });

  it('counts bytes, not characters', () => {
    const dir = `/srv/${'é'.repeat(45)}/.devenv`;
    expect(`${dir}/control.sock`.length).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect(controlSocketPath(dir, linux)).toMatch(/^\/tmp\/devenv-1000\//);
  });

  it('is a named pipe on Windows, one per state directory', () => {
    const a = controlSocketPath('C:\\src\\a\\.devenv', { platform: 'win32', uid: undefined });
    const b = controlSocketPath('C:\\src\\b\\.devenv', { platform: 'win32', uid: undefined });
    expect(a).toMatch(/^\\\\\.\\pipe\\devenv-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});
