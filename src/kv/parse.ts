import { recentCommands } from './recent-commands.js';
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH, type KvOp, type ParsedKvCommand } from './types.js';

/** The line every "what can I type" error ends with. */
const KV_EXAMPLES = 'SET x = 1, GET x, DEL x or CAS x 1 2';

/** Whether a UTF-16 code unit is whitespace, the same set String.prototype.trim removes. */
export function isSpace(c: number): boolean {
  // Most characters tested are printable ASCII or Latin-1 letters: answered by the first test.
  if (c > 32 && c < 0xa0) return false;
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A parsed operation without its canonical text (apply has no use for the text). */
export type ParsedKvOp = { ok: true; op: KvOp } | { ok: false; message: string };

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** Why a key is not acceptable, or undefined when it is. Keys: 1–64 chars, no whitespace, `=` or `"`. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'a key cannot be empty: SET x = 1';
  if (key.length > MAX_KEY_LENGTH) {
    return `key "${key.slice(0, 16)}…" is ${key.length} characters long; keys are at most ${MAX_KEY_LENGTH}`;
  }
  // One pass over the key (it is checked for every command), then the problems in order.
  let space = false;
  let mark = false;
  let control = false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (isSpace(c)) space = true;
    else if (c === 61 || c === 34)
      mark = true; // '=' '"'
    else if (c < 32 || c === 127) control = true;
  }
  if (space) return `a key cannot contain spaces: SET ${key.replace(/\s+/g, '_')} = 1`;
  if (mark) return `a key cannot contain '=' or '"': SET x = 1`;
  if (control) return 'a key cannot contain control characters';
  return undefined;
}

/** Why a value is not acceptable, or undefined when it is. Values: 1–1024 chars. */
function valueProblem(value: string, verb: string): string | undefined {
  if (value === '') return `${verb} values cannot be empty`;
  if (value.length > MAX_VALUE_LENGTH) {
    return `the value is ${value.length} characters long; values are at most ${MAX_VALUE_LENGTH}`;
  }
  return undefined;
}

/**
 * Writes a value so that parsing it back gives the same value: as it is when it can be, as a
 * JSON string literal when it starts with a quote, has surrounding or (for CAS, any) whitespace,
 * or control characters.
 */
export function formatValue(value: string, inCas = false): string {
  return needsQuotes(value, inCas) ? JSON.stringify(value) : value;
}

/** Whether {@link formatValue} must quote a value. One pass: it runs for every command submitted. */
function needsQuotes(value: string, inCas: boolean): boolean {
  const n = value.length;
  if (n === 0 || value.charCodeAt(0) === 34 || isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(n - 1))) return true;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 || c === 127 || (inCas && isSpace(c))) return true;
  }
  return false;
}

/** The canonical command line of an operation, e.g. `SET x = 1`; parseKvCommand reads it back. */
export function formatKvOp(op: KvOp): string {
  switch (op.type) {
    case 'set':
      return `SET ${op.key} = ${formatValue(op.value)}`;
    case 'get':
      return `GET ${op.key}`;
    case 'del':
      return `DEL ${op.key}`;
    case 'cas':
      return `CAS ${op.key} ${formatValue(op.expected, true)} ${formatValue(op.value, true)}`;
  }
}

/**
 * Reads a JSON string literal that starts at `from` (a `"`). Returns the value and the index
 * after the closing quote, or undefined when it is not a valid literal.
 */
function readQuoted(text: string, from: number): { value: string; end: number } | undefined {
  let i = from + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92)
      i += 2; // backslash: skip the escaped character
    else if (c === 34) break;
    else i++;
  }
  if (i >= text.length) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(from, i + 1));
    return typeof value === 'string' ? { value, end: i + 1 } : undefined;
  } catch {
    return undefined;
  }
}

/** Splits CAS arguments into words; a word may be a JSON string literal ("two words"). */
function casWords(rest: string): string[] | string {
  const words: string[] = [];
  let i = 0;
  while (i < rest.length) {
    while (i < rest.length && isSpace(rest.charCodeAt(i))) i++;
    if (i >= rest.length) break;
    if (rest.charCodeAt(i) === 34 && words.length > 0) {
      const q = readQuoted(rest, i);
      if (!q || (q.end < rest.length && !isSpace(rest.charCodeAt(q.end)))) {
        return 'a quoted value must be a complete "..." string (write \\" for a quote inside)';
      }
      words.push(q.value);
      i = q.end;
    } else {
      const start = i;
      while (i < rest.length && !isSpace(rest.charCodeAt(i))) i++;
      words.push(rest.slice(start, i));
    }
  }
  return words;
}

/**
 * The command text parseKvOp was last given, when it was written exactly in canonical form
 * ({@link formatKvOp}'s): then it is its own canonical text and parseKvCommand need not build
 * it. Found while parsing, from the positions the parser reads anyway; undefined otherwise.
 */
let asCanonical: string | undefined;

/**
 * Parses `SET key = value` (also `SET key value`, `set key=value`): the arguments are `t` from
 * `from` on. Read in place, so only the key and the value are copied out. `plain`: `t` is the
 * whole command as given and starts with `SET ` (the canonical verb and one space).
 */
function parseSet(t: string, from: number, plain: boolean): ParsedKvOp {
  if (from === t.length) return fail('SET needs a key and a value: SET x = 1');
  let j = from;
  // The key ends at '=' or a space; a quote or control character in it is a problem for keyProblem to name.
  let odd = false;
  while (j < t.length) {
    const c = t.charCodeAt(j);
    if (c === 61 || isSpace(c)) break;
    if (c === 34 || c < 32 || c === 127) odd = true;
    j++;
  }
  const key = t.slice(from, j);
  if (key === '') return fail("SET needs a key before '=': SET x = 1");
  if (odd || key.length > MAX_KEY_LENGTH) {
    const bad = keyProblem(key);
    if (bad) return fail(bad);
  }
  let k = j;
  while (k < t.length && isSpace(t.charCodeAt(k))) k++;
  if (t.charCodeAt(k) === 61) {
    k++;
    while (k < t.length && isSpace(t.charCodeAt(k))) k++;
  }
  if (k === t.length) return fail(`SET ${key} needs a value: SET ${key} = 1`);
  if (t.charCodeAt(k) === 34) {
    // A value written as one "..." literal is its contents; anything else is taken as typed.
    const q = readQuoted(t, k);
    if (q && q.end === t.length) return setOp(key, q.value);
  }
  const value = t.slice(k);
  // Canonical: `SET key = value`, one space each side of '=', a value that needs no quotes.
  if (
    plain &&
    k === j + 3 &&
    t.charCodeAt(j) === 32 &&
    t.charCodeAt(j + 1) === 61 &&
    t.charCodeAt(j + 2) === 32 &&
    !needsQuotes(value, false)
  ) {
    const parsed = setOp(key, value);
    if (parsed.ok) asCanonical = t;
    return parsed;
  }
  return setOp(key, value);
}

function setOp(key: string, value: string): ParsedKvOp {
  const badValue = valueProblem(value, 'SET');
  if (badValue) return fail(badValue);
  return { ok: true, op: { type: 'set', key, value } };
}

/** Parses `GET key` and `DEL key`: the arguments are `t` from `from` on; `plain` as for parseSet. */
function parseKeyOnly(type: 'get' | 'del', verb: string, t: string, from: number, plain: boolean): ParsedKvOp {
  if (from === t.length) return fail(`${verb} needs a key: ${verb} x`);
  let j = from;
  while (j < t.length && !isSpace(t.charCodeAt(j))) j++;
  const key = t.slice(from, j);
  if (j < t.length) return fail(`${verb} takes one key: ${verb} ${key}`);
  const bad = keyProblem(key);
  if (bad) return fail(bad);
  if (plain) asCanonical = t; // `GET key`
  return { ok: true, op: { type, key } };
}

/** Parses `CAS key expected new`. */
function parseCas(rest: string): ParsedKvOp {
  const usage = 'CAS needs a key, the value it expects and the new value: CAS x 1 2';
  const words = casWords(rest);
  if (typeof words === 'string') return fail(words);
  const [key, expected, value] = words;
  if (key === undefined || expected === undefined || value === undefined || words.length > 3) {
    return fail(words.length > 3 ? `${usage} (quote values with spaces: "a b")` : usage);
  }
  const bad = keyProblem(key) ?? valueProblem(expected, 'CAS') ?? valueProblem(value, 'CAS');
  if (bad) return fail(bad);
  return { ok: true, op: { type: 'cas', key, expected, value } };
}

/**
 * Parses one key-value command: `SET key = value` (also `SET key value`, `set key=value`),
 * `GET key`, `DEL key`, `CAS key expected new`. Verbs are case-insensitive; keys are 1–64
 * characters without whitespace, `=` or `"`; a SET value is the rest of the line, trimmed
 * (1–1024 characters). A value may be written as a JSON string literal (`"a b"`), which CAS
 * needs for values with spaces. Never throws: errors say what is wrong and show a fix.
 */
export function parseKvCommand(text: string): ParsedKvCommand {
  const parsed = parseKvOp(text);
  if (!parsed.ok) return parsed;
  // Text written in canonical form (what programs send) is its own canonical text.
  const same = asCanonical ?? (parsed.op.type === 'cas' && formatKvOp(parsed.op) === text ? text : undefined);
  if (same === undefined) return { ok: true, op: parsed.op, text: formatKvOp(parsed.op) };
  // Its entry will be applied soon, and parsing it again would give this same answer.
  recentCommands.remember(same, parsed);
  return { ok: true, op: parsed.op, text: same };
}

/** {@link parseKvCommand} without building the canonical text: the state machine's hot path. */
export function parseKvOp(text: string): ParsedKvOp {
  asCanonical = undefined;
  const t = text.trim();
  if (t === '') return fail(`empty command: type ${KV_EXAMPLES}`);
  if (t.includes('\n') || t.includes('\r')) return fail('a command is one line');
  let i = 0;
  while (i < t.length && !isSpace(t.charCodeAt(i))) i++;
  const verb = verbOf(t, i);
  const end = i;
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  // The whole command as given, its verb in capitals and one space after it: canonical so far.
  const plain = verbInCapitals && i === 4 && t.charCodeAt(3) === 32 && t.length === text.length;
  switch (verb) {
    case 'SET':
      return parseSet(t, i, plain);
    case 'GET':
      return parseKeyOnly('get', 'GET', t, i, plain);
    case 'DEL':
      return parseKeyOnly('del', 'DEL', t, i, plain);
    case 'CAS':
      return parseCas(t.slice(i));
    default: {
      const shown = t.slice(0, Math.min(end, 20)).trim();
      return fail(`unknown command "${shown}": type ${KV_EXAMPLES}`);
    }
  }
}

/** Set by verbOf: the verb it found was written in ASCII capitals, as canonical text writes it. */
let verbInCapitals = false;

/**
 * `t.slice(0, end).toUpperCase()`, without the copies for a three-letter ASCII word (every
 * verb). Anything else goes the long way: some non-ASCII letters upper-case to ASCII ones.
 */
function verbOf(t: string, end: number): string {
  verbInCapitals = false;
  if (end === 3) {
    const a = t.charCodeAt(0);
    const b = t.charCodeAt(1);
    const c = t.charCodeAt(2);
    if (a < 128 && b < 128 && c < 128) {
      // ASCII: only a-z change, each by 32.
      const A = a >= 97 && a <= 122 ? a - 32 : a;
      const B = b >= 97 && b <= 122 ? b - 32 : b;
      const C = c >= 97 && c <= 122 ? c - 32 : c;
      verbInCapitals = A === a && B === b && C === c;
      if (A === 83 && B === 69 && C === 84) return 'SET';
      if (A === 71 && B === 69 && C === 84) return 'GET';
      if (A === 68 && B === 69 && C === 76) return 'DEL';
      if (A === 67 && B === 65 && C === 83) return 'CAS';
      return '';
    }
  }
  return t.slice(0, end).toUpperCase();
}
