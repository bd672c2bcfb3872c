/**
 * A useful subset of WIQL: `SELECT [fields] FROM WorkItems [WHERE ...] [ORDER BY [field] [ASC|DESC], ...]`
 * with AND / OR / NOT and parentheses, operators `=`, `<>`, `!=`, `<`, `>`, `<=`, `>=`, `CONTAINS`,
 * `NOT CONTAINS`, `IN (...)`, `NOT IN (...)`, `UNDER`, and the macros `@project`, `@me`, `@today`.
 */

export type WiqlValue = { kind: "string"; value: string } | { kind: "number"; value: number } | { kind: "macro"; name: string } | { kind: "list"; items: WiqlValue[] };

export type WiqlExpr =
  | { kind: "and" | "or"; left: WiqlExpr; right: WiqlExpr }
  | { kind: "not"; expr: WiqlExpr }
  | { kind: "cond"; field: string; op: string; value: WiqlValue };

export interface WiqlQuery {
  fields: string[];
  where: WiqlExpr | undefined;
  orderBy: Array<{ field: string; descending: boolean }>;
}

/** A WIQL syntax or reference problem, with Azure's TF number and the offending text. */
export class WiqlError extends Error {
  constructor(
    message: string,
    readonly code: "syntax" | "field",
  ) {
    super(message);
  }
}

type Token = { type: "field" | "word" | "string" | "number" | "op" | "punct" | "macro"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "[") {
      const end = query.indexOf("]", i);
      if (end < 0) throw new WiqlError(`TF51006: Expecting ']'. The error is caused by «${query.slice(i)}».`, "syntax");
      tokens.push({ type: "field", text: query.slice(i + 1, end).trim() });
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= query.length) throw new WiqlError(`TF51006: Expecting end of string. The error is caused by «${query.slice(i)}».`, "syntax");
        if (query[j] === c && query[j + 1] === c) {
          text += c;
          j += 2;
        } else if (query[j] === c) break;
        else text += query[j++];
      }
      tokens.push({ type: "string", text });
      i = j + 1;
      continue;
    }
    const two = query.slice(i, i + 2);
    if (["<>", "!=", "<=", ">="].includes(two)) {
      tokens.push({ type: "op", text: two });
      i += 2;
      continue;
    }
    if ("=<>".includes(c)) {
      tokens.push({ type: "op", text: c });
      i++;
      continue;
    }
    if ("(),*".includes(c)) {
      tokens.push({ type: "punct", text: c });
      i++;
      continue;
    }
    const word = /^(@?[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?)/.exec(query.slice(i));
    if (!word) throw new WiqlError(`TF51006: Unexpected character. The error is caused by «${c}».`, "syntax");
    const text = word[0];
    tokens.push({ type: text.startsWith("@") ? "macro" : /^-?\d/.test(text) ? "number" : "word", text });
    i += text.length;
  }
  return tokens;
}

/** Parses a WIQL statement; `resolveField` canonicalizes a field reference or returns undefined when unknown. */
export function parseWiql(query: string, resolveField: (name: string) => string | undefined): WiqlQuery {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (word: string, t = peek()) => !!t && t.type === "word" && t.text.toLowerCase() === word;
  const near = () => peek()?.text ?? "end of statement";
  const expect = (what: string, ok: boolean) => {
    if (!ok) throw new WiqlError(`TF51006: Expecting ${what}. The error is caused by «${near()}».`, "syntax");
  };
  const field = (): string => {
    const t = peek();
    expect("field name", !!t && (t.type === "field" || t.type === "word"));
    pos++;
    const name = resolveField((t as Token).text);
    if (!name) throw new WiqlError(`TF51005: The query references a field that does not exist. The error is caused by «[${(t as Token).text}]».`, "field");
    return name;
  };
  const value = (): WiqlValue => {
    const t = peek();
    expect("value", !!t && (t.type === "string" || t.type === "number" || t.type === "macro" || (t.type === "punct" && t.text === "(")));
    const token = t as Token;
    pos++;
    if (token.type === "string") return { kind: "string", value: token.text };
    if (token.type === "number") return { kind: "number", value: Number(token.text) };
    if (token.type === "macro") return { kind: "macro", name: token.text.toLowerCase() };
    const items: WiqlValue[] = [];
    for (;;) {
      items.push(value());
      const next = peek();
      if (next?.type === "punct" && next.text === ",") {
        pos++;
        continue;
      }
      expect("')'", next?.type === "punct" && next.text === ")");
      pos++;
      return { kind: "list", items };
    }
  };
  const condition = (): WiqlExpr => {
    const name = field();
    const t = peek();
    let op: string;
    if (t?.type === "op") {
      op = t.text === "!=" ? "<>" : t.text;
      pos++;
    } else if (isWord("not")) {
      pos++;
      const next = peek();
      expect("CONTAINS or IN", isWord("contains", next) || isWord("in", next));
      op = `not ${(next as Token).text.toLowerCase()}`;
      pos++;
    } else {
      expect("an operator", isWord("contains") || isWord("in") || isWord("under"));
      op = (t as Token).text.toLowerCase();
      pos++;
    }
    const v = value();
    if ((op === "in" || op === "not in") !== (v.kind === "list")) expect(op.endsWith("in") ? "a list of values" : "a single value", false);
    return { kind: "cond", field: name, op, value: v };
  };
  const factor = (): WiqlExpr => {
    if (isWord("not")) {
      pos++;
      return { kind: "not", expr: factor() };
    }
    const t = peek();
    if (t?.type === "punct" && t.text === "(") {
      pos++;
      const inner = orExpr();
      expect("')'", peek()?.type === "punct" && peek()?.text === ")");
      pos++;
      return inner;
    }
    return condition();
  };
  const andExpr = (): WiqlExpr => {
    let left = factor();
    while (isWord("and")) {
      pos++;
      left = { kind: "and", left, right: factor() };
    }
    return left;
  };
  const orExpr = (): WiqlExpr => {
    let left = andExpr();
    while (isWord("or")) {
      pos++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };

  expect("SELECT", isWord("select"));
  pos++;
  const fields: string[] = [];
  if (peek()?.type === "punct" && peek()?.text === "*") {
    pos++;
    fields.push("System.Id");
  } else {
    for (;;) {
      fields.push(field());
      if (peek()?.type === "punct" && peek()?.text === ",") pos++;
      else break;
    }
  }
  expect("FROM", isWord("from"));
  pos++;
  expect("WorkItems", isWord("workitems"));
  pos++;
  let where: WiqlExpr | undefined;
  if (isWord("where")) {
    pos++;
    where = orExpr();
  }
  const orderBy: WiqlQuery["orderBy"] = [];
  if (isWord("order")) {
    pos++;
    expect("BY", isWord("by"));
    pos++;
    for (;;) {
      const name = field();
      let descending = false;
      if (isWord("asc")) pos++;
      else if (isWord("desc")) {
        descending = true;
        pos++;
      }
      orderBy.push({ field: name, descending });
      if (peek()?.type === "punct" && peek()?.text === ",") pos++;
      else break;
    }
  }
  if (isWord("asof")) pos += 2;
  expect("end of statement", pos === tokens.length);
  return { fields, where, orderBy };
}

/** How a condition's two sides are read: `candidates` are the texts an item's value matches as (e.g. an identity's e-mail and name). */
export interface WiqlContext {
  /** The texts (lower case) or number a field of the item reads as. */
  valueOf(field: string): { texts: string[]; number: number | undefined } | undefined;
  /** The value of a macro (`@project`, `@me`, `@today`), or undefined when it has none here. */
  macro(name: string): string | undefined;
}

function literal(value: WiqlValue, ctx: WiqlContext): string[] {
  if (value.kind === "string") return [value.value.toLowerCase()];
  if (value.kind === "number") return [String(value.value)];
  if (value.kind === "list") return value.items.flatMap((v) => literal(v, ctx));
  const resolved = ctx.macro(value.name);
  if (resolved === undefined) throw new WiqlError(`TF51011: The macro '${value.name}' is not valid in this context.`, "syntax");
  return [resolved.toLowerCase()];
}

/** Evaluates a WHERE clause for one work item. */
export function evaluateWiql(expr: WiqlExpr | undefined, ctx: WiqlContext): boolean {
  if (!expr) return true;
  if (expr.kind === "and") return evaluateWiql(expr.left, ctx) && evaluateWiql(expr.right, ctx);
  if (expr.kind === "or") return evaluateWiql(expr.left, ctx) || evaluateWiql(expr.right, ctx);
  if (expr.kind === "not") return !evaluateWiql(expr.expr, ctx);
  if (expr.kind !== "cond") return false;
  const actual = ctx.valueOf(expr.field);
  const wanted = literal(expr.value, ctx);
  const texts = actual?.texts ?? [""];
  const first = wanted[0] ?? "";
  const compare = (sign: (n: number) => boolean) => {
    if (actual?.number !== undefined && Number.isFinite(Number(first))) return sign(actual.number - Number(first));
    return sign((texts[0] ?? "").localeCompare(first));
  };
  switch (expr.op) {
    case "=":
      return texts.some((t) => t === first);
    case "<>":
      return !texts.some((t) => t === first);
    case "contains":
      return texts.some((t) => t.includes(first));
    case "not contains":
      return !texts.some((t) => t.includes(first));
    case "in":
      return texts.some((t) => wanted.includes(t));
    case "not in":
      return !texts.some((t) => wanted.includes(t));
    case "under":
      return texts.some((t) => t === first || t.startsWith(`${first}\\`));
    case "<":
      return compare((n) => n < 0);
    case ">":
      return compare((n) => n > 0);
    case "<=":
      return compare((n) => n <= 0);
    case ">=":
      return compare((n) => n >= 0);
    default:
      return false;
  }
}
