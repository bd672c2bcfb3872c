/** A JQL syntax or validation error; its message is what Jira puts in `errorMessages`. */
export class JqlError extends Error {}

export type Operand =
  | { kind: "empty" }
  | { kind: "value"; value: string }
  | { kind: "function"; name: string; args: string[] }
  | { kind: "list"; items: Operand[] };

export interface Clause {
  kind: "clause";
  field: string;
  operator: string;
  operand: Operand;
}

export type JqlExpr = Clause | { kind: "and"; items: JqlExpr[] } | { kind: "or"; items: JqlExpr[] } | { kind: "not"; expr: JqlExpr };

export interface SortKey {
  field: string;
  direction: "ASC" | "DESC";
}

export interface JqlQuery {
  where: JqlExpr | undefined;
  orderBy: SortKey[];
}

interface Token {
  kind: "word" | "string" | "op" | "(" | ")" | "," | "eof";
  text: string;
  /** 1-based character position, as Jira's messages count. */
  at: number;
}

const RESERVED = new Set(["and", "or", "not", "empty", "null", "order", "by", "in", "is", "asc", "desc", "was", "changed"]);
const OPERATORS = ["!=", "!~", ">=", "<=", "&&", "||", "=", "~", ">", "<", "!"];
const WORD_BREAK = /[\s()=,!~<>"'&|]/;

function where(token: Token): string {
  return `(line 1, character ${token.at})`;
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i + 1;
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: c, text: c, at });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = "";
      let j = i + 1;
      let closed = false;
      while (j < jql.length) {
        const d = jql[j] as string;
        if (d === "\\" && j + 1 < jql.length) {
          const e = jql[j + 1] as string;
          if (e === "u" && /^[0-9a-fA-F]{4}$/.test(jql.slice(j + 2, j + 6))) {
            value += String.fromCharCode(parseInt(jql.slice(j + 2, j + 6), 16));
            j += 6;
          } else {
            value += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
            j += 2;
          }
          continue;
        }
        if (d === c) {
          closed = true;
          break;
        }
        value += d;
        j++;
      }
      if (!closed) throw new JqlError(`Error in the JQL Query: The quoted string '${value}' has not been completed. (line 1, character ${at})`);
      tokens.push({ kind: "string", text: value, at });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => jql.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, at });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < jql.length && !WORD_BREAK.test(jql[j] as string)) j++;
    if (j === i) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}' instead. (line 1, character ${at})`);
    tokens.push({ kind: "word", text: jql.slice(i, j), at });
    i = j;
  }
  tokens.push({ kind: "eof", text: "EOF", at: jql.length + 1 });
  return tokens;
}

/** Parses the JQL subset the simulator understands (clauses, AND/OR/NOT, parentheses, lists, functions, ORDER BY). */
export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] as Token;
  const isWord = (t: Token, word: string) => t.kind === "word" && t.text.toLowerCase() === word;

  const parseOr = (): JqlExpr => {
    const items = [parseAnd()];
    while (isWord(peek(), "or") || (peek().kind === "op" && peek().text === "||")) {
      next();
      items.push(parseAnd());
    }
    return items.length === 1 ? (items[0] as JqlExpr) : { kind: "or", items };
  };
  const parseAnd = (): JqlExpr => {
    const items = [parseNot()];
    while (isWord(peek(), "and") || (peek().kind === "op" && peek().text === "&&")) {
      next();
      items.push(parseNot());
    }
    return items.length === 1 ? (items[0] as JqlExpr) : { kind: "and", items };
  };
  const parseNot = (): JqlExpr => {
    const t = peek();
    if (isWord(t, "not") || (t.kind === "op" && t.text === "!")) {
      next();
      return { kind: "not", expr: parseNot() };
    }
    if (t.kind === "(") {
      next();
      const inner = parseOr();
      const close = next();
      if (close.kind !== ")") throw new JqlError(`Error in the JQL Query: Expecting ')' but got '${close.text}'. ${where(close)}`);
      return inner;
    }
    return parseClause();
  };
  const parseClause = (): Clause => {
    const fieldToken = next();
    if (fieldToken.kind === "eof") throw new JqlError(`Error in the JQL Query: Expecting a field name but got 'EOF'. ${where(fieldToken)}`);
    if (fieldToken.kind !== "word" && fieldToken.kind !== "string") throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${fieldToken.text}'. ${where(fieldToken)}`);
    if (fieldToken.kind === "word" && RESERVED.has(fieldToken.text.toLowerCase())) {
      throw new JqlError(`Error in the JQL Query: The word '${fieldToken.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${where(fieldToken)}`);
    }
    const operator = parseOperator();
    return { kind: "clause", field: fieldToken.text, operator, operand: parseOperand() };
  };
  const parseOperator = (): string => {
    const t = next();
    if (t.kind === "op" && ["=", "!=", "~", "!~", ">", ">=", "<", "<="].includes(t.text)) return t.text;
    if (isWord(t, "in")) return "in";
    if (isWord(t, "not") && isWord(peek(), "in")) {
      next();
      return "not in";
    }
    if (isWord(t, "is")) {
      if (isWord(peek(), "not")) {
        next();
        return "is not";
      }
      return "is";
    }
    throw new JqlError(
      `Error in the JQL Query: Expecting operator but got '${t.text}'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. ${where(t)}`,
    );
  };
  const parseOperand = (): Operand => {
    const t = next();
    if (t.kind === "(") {
      const items: Operand[] = [parseOperand()];
      while (peek().kind === ",") {
        next();
        items.push(parseOperand());
      }
      const close = next();
      if (close.kind !== ")") throw new JqlError(`Error in the JQL Query: Expecting ')' but got '${close.text}'. ${where(close)}`);
      return { kind: "list", items };
    }
    if (t.kind === "string") return { kind: "value", value: t.text };
    if (t.kind === "word") {
      const lower = t.text.toLowerCase();
      if (lower === "empty" || lower === "null") return { kind: "empty" };
      if (RESERVED.has(lower)) throw new JqlError(`Error in the JQL Query: The word '${t.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${where(t)}`);
      if (peek().kind === "(") {
        next();
        const args: string[] = [];
        while (peek().kind !== ")") {
          const arg = next();
          if (arg.kind !== "word" && arg.kind !== "string") throw new JqlError(`Error in the JQL Query: Expecting ')' but got '${arg.text}'. ${where(arg)}`);
          args.push(arg.text);
          if (peek().kind === ",") next();
        }
        next();
        return { kind: "function", name: t.text, args };
      }
      return { kind: "value", value: t.text };
    }
    throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${t.text}'. ${where(t)}`);
  };
  const parseOrderBy = (): SortKey[] => {
    next();
    const by = next();
    if (!isWord(by, "by")) throw new JqlError(`Error in the JQL Query: Expecting 'by' but got '${by.text}'. ${where(by)}`);
    const keys: SortKey[] = [];
    do {
      if (keys.length) next();
      const field = next();
      if (field.kind !== "word" && field.kind !== "string") throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${field.text}'. ${where(field)}`);
      let direction: "ASC" | "DESC" = "ASC";
      if (isWord(peek(), "asc") || isWord(peek(), "desc")) direction = next().text.toUpperCase() as "ASC" | "DESC";
      keys.push({ field: field.text, direction });
    } while (peek().kind === ",");
    return keys;
  };

  let whereExpr: JqlExpr | undefined;
  if (peek().kind !== "eof" && !isWord(peek(), "order")) whereExpr = parseOr();
  let orderBy: SortKey[] = [];
  if (isWord(peek(), "order")) orderBy = parseOrderBy();
  const end = peek();
  if (end.kind !== "eof") throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${end.text}'. ${where(end)}`);
  return { where: whereExpr, orderBy };
}
