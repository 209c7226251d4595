import type { PGlite } from '@electric-sql/pglite';

/*
 * PGlite is one Postgres backend: every connection pglite-socket accepts shares its single
 * session. pglite-socket queues the connections' protocol messages one at a time and keeps a
 * connection's open transaction to itself, but between the messages of one extended-protocol
 * exchange (Parse … Sync) it may run another connection's: a parameterised query queued behind a
 * transaction then binds someone else's statement. And each connection's startup packet is run
 * on the shared session, so one client's startup parameters (replication=database, a missing
 * user) change or break it for everyone.
 */

const code = (letter: string) => letter.charCodeAt(0);
/** Frontend messages of the extended protocol that leave the exchange open until Sync. */
const EXCHANGE_OPENING = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(code));
const SYNC = code('S');
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);
const PROTOCOL_3_0 = 196_608;

/** A StartupMessage (protocol 3.0) with these parameters. */
export function startupMessage(parameters: Record<string, string>): Uint8Array {
  const pairs = Object.entries(parameters).flatMap(([name, value]) => [`${name}\0`, `${value}\0`]);
  const body = Buffer.from(`${pairs.join('')}\0`, 'utf8');
  const message = Buffer.alloc(8 + body.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(PROTOCOL_3_0, 4);
  body.copy(message, 8);
  return new Uint8Array(message);
}

function isStartupMessage(message: Uint8Array): boolean {
  return (
    message.length >= 8 &&
    message[0] === 0 &&
    Buffer.from(message.buffer, message.byteOffset, 8).readInt32BE(4) === PROTOCOL_3_0
  );
}

/**
 * The PGlite that pglite-socket's server should be given (it uses only these few methods):
 * - a connection in the middle of an extended-protocol exchange counts as "in a transaction",
 *   which is what makes pglite-socket's queue take that connection's messages only, until Sync;
 * - when that connection goes away mid-exchange, the queue's ROLLBACK first ends the exchange;
 * - every client's startup packet is replaced by the same one (the configured user and
 *   database), so no client's parameters reach the shared session.
 */
export function guardSharedSession(
  db: PGlite,
  identity: { readonly user: string; readonly database: string },
): PGlite {
  let exchangeOpen = false;
  const startup = startupMessage({ user: identity.user, database: identity.database });

  const overrides: Partial<PGlite> = {
    execProtocolRawStream: async (message, options) => {
      await db.execProtocolRawStream(isStartupMessage(message) ? startup : message, options);
      if (message[0] === SYNC) exchangeOpen = false;
      else if (message[0] !== undefined && EXCHANGE_OPENING.has(message[0])) exchangeOpen = true;
    },
    isInTransaction: () => exchangeOpen || db.isInTransaction(),
    // pglite-socket calls exec only for the ROLLBACK of a connection that left "in a transaction".
    exec: async (query, options) => {
      if (exchangeOpen) {
        await db.runExclusive(() => db.execProtocolRaw(SYNC_MESSAGE));
        exchangeOpen = false;
      }
      return db.isInTransaction() ? db.exec(query, options) : [];
    },
  };
  return new Proxy(db, {
    get(target, property) {
      const own = (overrides as Record<PropertyKey, unknown>)[property];
      if (own !== undefined) return own;
      // PGlite's methods use private fields: they must run on the instance, not on the proxy.
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
