/* Sizes and image references written as Docker Compose writes them in `docker compose images`. */

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** go-units' HumanSizeWithPrecision(bytes, 3), Compose's SIZE column: "4.26MB", "512kB", "0B". */
export function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${formatG(size, 3)}${DECIMAL_UNITS[unit]}`;
}

/**
 * Go's `%.{precision}g` of a number from 0 to 1e21: `precision` significant digits rounded half
 * to even on an exact tie (1.125 → "1.12"), trailing zeros dropped, and the exponent form once
 * the exponent reaches the precision (999.9 → "1e+03", as `docker` prints it).
 */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  const [whole = '', fraction = ''] = value.toFixed(60).split('.');
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  let exponent = whole.length - 1 - first;
  let digits = roundHalfEven(all.slice(first), precision);
  if (digits.length > precision) {
    digits = digits.slice(0, precision);
    exponent++;
  }
  digits = digits.replace(/0+$/, '') || '0';
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? '-' : '+';
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${digits[0]}${rest}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const point = exponent + 1;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (digits.length <= point) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The first `count` of `digits`, rounded on the rest; one digit longer when it carries (999 → 1000). */
function roundHalfEven(digits: string, count: number): string {
  const head = digits.slice(0, count).padEnd(count, '0');
  const next = digits[count] ?? '0';
  const tie = next === '5' && !/[1-9]/.test(digits.slice(count + 1));
  const up = next > '5' || (next === '5' && !tie) || (tie && Number(head.at(-1)) % 2 === 1);
  return up ? (BigInt(head) + 1n).toString().padStart(count, '0') : head;
}

/** A reference's repository and tag as Compose shows them; empty when it is an image id. */
export interface RepositoryTag {
  readonly repository: string;
  readonly tag: string;
  /** `sha256:…` when the reference pins a digest (Compose then shows no tag). */
  readonly digest: string;
}

const NONE: RepositoryTag = { repository: '', tag: '', digest: '' };
/** An image id, with its algorithm (what go-digest parses) or as Docker's bare 64 hex digits. */
const IMAGE_ID = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128}|[a-f0-9]{64})$/;

/**
 * distribution/reference's ParseDockerRef then FamiliarName, which Compose applies to the image
 * a container was created from: `busybox` is repository busybox, tag latest; `docker.io/library/x:1`
 * is x, 1; `host:5000/a/b:2` keeps its registry; a digest drops the tag; an image id is none.
 */
export function repositoryTagOf(reference: string): RepositoryTag {
  if (IMAGE_ID.test(reference)) return NONE;
  const [named = '', digest = ''] = reference.split('@');
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tagged = colon > slash;
  const name = tagged ? named.slice(0, colon) : named;
  if (name === '' || (digest !== '' && !(IMAGE_ID.test(digest) && digest.includes(':'))))
    return NONE;
  const repository = familiarName(name);
  if (repository === undefined) return NONE;
  if (digest !== '') return { repository, tag: '', digest };
  return { repository, tag: tagged ? named.slice(colon + 1) : 'latest', digest: '' };
}

/** Docker Hub's names without `docker.io/` and `library/`; undefined for a name Docker refuses. */
function familiarName(name: string): string | undefined {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasDomain =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const domain = hasDomain ? first : 'docker.io';
  const path = hasDomain ? name.slice(slash + 1) : name;
  if (path !== path.toLowerCase() || path === '') return undefined;
  if (domain !== 'docker.io' && domain !== 'index.docker.io') return `${domain}/${path}`;
  const library = /^library\/([^/]+)$/.exec(path);
  return library ? library[1] : path;
}
