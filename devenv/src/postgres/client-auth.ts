/**
 * Who may connect to the development PostgreSQL, and how. TCP (127.0.0.1 and ::1) takes the
 * compose credentials with scram-sha-256, so that another local user or a page in a browser
 * cannot become superuser (and from there run programs as the developer with
 * `COPY … TO PROGRAM`). The Unix socket takes peer authentication, mapped: only the operating
 * system user that runs devenv may connect there, as the superuser.
 */

/** The first line of the pg_hba.conf devenv writes: a file carrying it is devenv's own. */
export const HBA_MARKER = '# Written by devenv postgres-server';

/** The map name in pg_hba.conf and pg_ident.conf. */
const MAP = 'devenv';

export function hbaConfig(): string {
  return `${HBA_MARKER}: the socket for the OS user running devenv (pg_ident.conf),
# TCP with the compose credentials (POSTGRES_USER / POSTGRES_PASSWORD).
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  peer map=${MAP}
host    all          all   127.0.0.1/32   scram-sha-256
host    all          all   ::1/128        scram-sha-256
local   replication  all                  peer map=${MAP}
host    replication  all   127.0.0.1/32   scram-sha-256
host    replication  all   ::1/128        scram-sha-256
`;
}

/** pg_ident.conf: `osUser` (who runs devenv) may connect on the socket as `superuser`. */
export function identConfig(osUser: string, superuser: string): string {
  return `${HBA_MARKER}: who may use the socket, and as which role.
# MAPNAME  SYSTEM-USERNAME  PG-USERNAME
${MAP}  ${identToken(osUser)}  ${identToken(superuser)}
`;
}

/** pg_ident.conf tokens: quoted when they hold anything but plain name characters. */
function identToken(name: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * The authentication methods of a pg_hba.conf's rules: `trust` among them means anyone on the
 * machine may connect as anyone (what devenv's initdb set up before).
 */
export function hbaMethods(text: string): string[] {
  const methods: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '' || line.startsWith('include')) continue;
    const fields = line.split(/\s+/);
    // local DATABASE USER METHOD [OPTIONS]; host* DATABASE USER ADDRESS [MASK] METHOD [OPTIONS]
    const methodAt =
      fields[0] === 'local' ? 3 : /^\d+\.\d+\.\d+\.\d+$/.test(fields[4] ?? '') ? 5 : 4;
    const method = fields[methodAt];
    if (method !== undefined) methods.push(method);
  }
  return methods;
}

export type HbaPlan =
  /** devenv's own file, or one the developer wrote without trust: left as it is. */
  | { readonly kind: 'keep' }
  /** A fresh cluster, or one that trusts every connection: devenv's rules replace it. */
  | { readonly kind: 'write'; readonly trusted: boolean };

export function planHba(existing: string | undefined, fresh: boolean): HbaPlan {
  if (fresh || existing === undefined) return { kind: 'write', trusted: false };
  if (hbaMethods(existing).includes('trust')) return { kind: 'write', trusted: true };
  return { kind: 'keep' };
}
