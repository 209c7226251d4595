import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../model/stack.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';

/**
 * The per-session secret of a `devenv up`: the control endpoints of the services devenv starts
 * (the workers' `POST /reload`, the dispatcher's mutating routes) accept a request only with it as
 * a bearer token, so neither a web page the developer opens nor another local user can drive them.
 * Every service gets it in its environment; other devenv commands and the developer's own `curl`
 * read it from `.devenv/session-token` (mode 0600, in a 0700 directory): `devenv env`.
 */
export const SESSION_TOKEN_VAR = 'DEVENV_SESSION_TOKEN';

const TOKEN_FILE = 'session-token';
/** 32 random bytes, base64url: 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function sessionTokenPath(stateDir: string): string {
  return join(stateDir, TOKEN_FILE);
}

export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A new secret for this session, written before any service starts (so a service, or a test,
 * reading the file never sees the previous session's). Owner-only: the directory 0700, the file
 * 0600 from its creation (written under another name, then renamed over the old one).
 */
export function createSessionSecret(stateDir: string): Result<string, string> {
  const token = generateSessionToken();
  const path = sessionTokenPath(stateDir);
  try {
    ensurePrivateDir(stateDir);
    writePrivateFile(path, `${token}\n`);
    return ok(token);
  } catch (thrown) {
    // writePrivateFile's temporary file, should the rename have failed.
    rmSync(`${path}.${process.pid}.tmp`, { force: true });
    return err(`cannot write the session token to ${path}: ${messageOf(thrown)}`);
  }
}

/** The running session's secret, or why there is none (no `devenv up` running in this project). */
export function readSessionToken(stateDir: string): Result<string, string> {
  const path = sessionTokenPath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return err(
      `no session token at ${path}: start the stack with \`npx devenv up\` (the token exists while it runs)`,
    );
  }
  return TOKEN_SHAPE.test(text)
    ? ok(text)
    : err(`${path} does not hold a session token: restart \`npx devenv up\` to write a new one`);
}

/** The environment variable itself when set (inside a session), else the project's token file. */
export function sessionTokenFrom(
  env: Readonly<Record<string, string | undefined>>,
  stateDir: string,
): string | undefined {
  const given = env[SESSION_TOKEN_VAR];
  if (given !== undefined && given !== '') return given;
  const read = readSessionToken(stateDir);
  return read.ok ? read.value : undefined;
}

/** Removed when the session ends: a token of a stack that is down opens nothing. */
export function removeSessionSecret(stateDir: string): void {
  rmSync(sessionTokenPath(stateDir), { force: true });
}

/** `Authorization: Bearer …` for a request to a control endpoint, or nothing without a token. */
export function bearerHeader(token: string | undefined): Record<string, string> {
  return token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
}

/**
 * The stack with the secret in every service's environment: the docker runtime passes only a
 * service's own environment to its container (a native process also inherits devenv's).
 */
export function withSessionToken(stack: Stack, token: string): Stack {
  const services = Object.fromEntries(
    Object.entries(stack.services).map(([name, spec]) => [
      name,
      { ...spec, environment: { ...spec.environment, [SESSION_TOKEN_VAR]: token } },
    ]),
  );
  return { ...stack, services };
}
