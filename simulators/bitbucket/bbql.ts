/** A value a BBQL comparison reads from an object: strings, numbers, null. */
export type BbqlValue = string | number | boolean | null;
export type BbqlPredicate = (get: (field: string) => BbqlValue | undefined) => boolean;

/** A query Bitbucket refuses: unknown field, bad operator or syntax (400). */
export class BbqlError extends Error {}

type Token = { kind: "word" | "string" | "number" | "op" | "paren"; text: string; value?: BbqlValue };

const OPERATORS = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: "paren", text: c });
      i++;
    } else if (c === '"') {
      let out = "";
      i++;
      for (;;) {
        if (i >= query.length) throw new BbqlError("Invalid query: unterminated string");
        const ch = query[i] as string;
        if (ch === "\\" && i + 1 < query.length) {
          out += query[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          out += ch;
          i++;
        }
      }
      tokens.push({ kind: "string", text: out, value: out });
    } else {
      const op = OPERATORS.find((o) => query.startsWith(o, i));
      if (op) {
        tokens.push({ kind: "op", text: op });
        i += op.length;
        continue;
      }
      const m = /^[A-Za-z0-9_.:+-]+/.exec(query.slice(i));
      if (!m) throw new BbqlError(`Invalid query: unexpected character '${c}' at position ${i}`);
      const text = m[0];
      tokens.push(/^-?\d+(\.\d+)?$/.test(text) ? { kind: "number", text, value: Number(text) } : { kind: "word", text });
      i += text.length;
    }
  }
  return tokens;
}

function compare(op: string, actual: BbqlValue | undefined, expected: BbqlValue): boolean {
  const a = actual ?? null;
  switch (op) {
    case "=":
      return a === expected || (typeof a === "number" && typeof expected === "string" && String(a) === expected);
    case "!=":
      return !compare("=", a, expected);
    case "~":
      return a !== null && expected !== null && String(a).toLowerCase().includes(String(expected).toLowerCase());
    case "!~":
      return !compare("~", a, expected);
    default: {
      if (a === null || expected === null) return false;
      const x = typeof a === "number" ? a : Date.parse(String(a));
      const y = typeof expected === "number" ? expected : Date.parse(String(expected));
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      return op === ">" ? x > y : op === ">=" ? x >= y : op === "<" ? x < y : x <= y;
    }
  }
}

/**
 * Parses a BBQL filter (`title ~ "x" AND (state = "new" OR id = 3)`): comparisons on known fields with
 * `= != ~ !~ > >= < <=`, combined with AND/OR and parentheses.
 */
export function parseBbql(query: string, fields: ReadonlySet<string>): BbqlPredicate {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, word: string) => t?.kind === "word" && t.text.toUpperCase() === word;

  const parseOr = (): BbqlPredicate => {
    let left = parseAnd();
    while (isWord(peek(), "OR")) {
      pos++;
      const l = left;
      const r = parseAnd();
      left = (get) => l(get) || r(get);
    }
    return left;
  };
  const parseAnd = (): BbqlPredicate => {
    let left = parseUnary();
    while (isWord(peek(), "AND")) {
      pos++;
      const l = left;
      const r = parseUnary();
      left = (get) => l(get) && r(get);
    }
    return left;
  };
  const parseUnary = (): BbqlPredicate => {
    const t = peek();
    if (t?.kind === "paren" && t.text === "(") {
      pos++;
      const inner = parseOr();
      if (peek()?.text !== ")") throw new BbqlError("Invalid query: expected ')'");
      pos++;
      return inner;
    }
    if (t?.kind !== "word") throw new BbqlError(`Invalid query: expected a field name${t ? ` at '${t.text}'` : ""}`);
    const field = t.text;
    if (!fields.has(field)) throw new BbqlError(`Invalid field name: ${field}`);
    pos++;
    const op = peek();
    if (op?.kind !== "op") throw new BbqlError(`Invalid query: expected an operator after '${field}'`);
    pos++;
    const v = peek();
    let value: BbqlValue;
    if (v?.kind === "string" || v?.kind === "number") value = v.value ?? null;
    else if (isWord(v, "NULL")) value = null;
    else if (isWord(v, "TRUE") || isWord(v, "FALSE")) value = v?.text.toUpperCase() === "TRUE";
    else throw new BbqlError(`Invalid query: expected a value after '${field} ${op.text}'`);
    pos++;
    return (get) => compare(op.text, get(field), value);
  };

  const predicate = parseOr();
  if (pos < tokens.length) throw new BbqlError(`Invalid query: unexpected '${(tokens[pos] as Token).text}'`);
  return predicate;
}

/** Sorts by a field name, `-field` for descending (Bitbucket's `sort=` parameter). */
export function sortBy<T>(items: T[], sort: string, get: (item: T, field: string) => BbqlValue | undefined): T[] {
  const desc = sort.startsWith("-");
  const field = desc ? sort.slice(1) : sort;
  return [...items].sort((a, b) => {
    const x = get(a, field) ?? "";
    const y = get(b, field) ?? "";
    const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return desc ? -cmp : cmp;
  });
}
