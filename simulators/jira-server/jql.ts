import { JqlError, parseJql, type Clause, type JqlExpr, type Operand, type SortKey } from "./jql-parser.js";
import { ISSUE_TYPES, PRIORITIES, RESOLUTION_DONE, type JiraIssue, type JiraState, type JiraUser } from "./state.js";
import { STATUS_CATEGORIES } from "./workflows.js";
import { matchesText } from "./text-match.js";

export { JqlError } from "./jql-parser.js";

/** A query ready to run: which issues match, and in which order. */
export interface CompiledJql {
  matches(issue: JiraIssue): boolean;
  compare(a: JiraIssue, b: JiraIssue): number;
}

type Predicate = (issue: JiraIssue) => boolean;
/** A field value of an issue in comparable form; null when the field is empty. */
type Getter = (issue: JiraIssue) => string | null;

const EQUALITY = ["=", "!=", "in", "not in"];
const EMPTINESS = ["is", "is not"];
const TEXT = ["~", "!~"];
const ORDERED = ["=", "!=", "in", "not in", ">", ">=", "<", "<="];

/** A field that `=`/`IN` can compare: resolves a JQL value to the stored form, or throws Jira's message. */
interface ValueField {
  kind: "value";
  operators: string[];
  get: Getter;
  resolve(value: string, operand: Operand): string;
}

interface TextField {
  kind: "text";
  operators: string[];
  texts(issue: JiraIssue): string[];
}

interface MultiField {
  kind: "multi";
  operators: string[];
  values(issue: JiraIssue): string[];
}

interface DateField {
  kind: "date";
  operators: string[];
  get(issue: JiraIssue): number | null;
}

type Field = ValueField | TextField | MultiField | DateField;

function noSuchValue(value: string, field: string): never {
  throw new JqlError(`The value '${value}' does not exist for the field '${field}'.`);
}

function fieldsOf(state: JiraState, caller: JiraUser | undefined): Record<string, Field> {
  const user = (field: string, get: (i: JiraIssue) => string | null): ValueField => ({
    kind: "value",
    operators: [...EQUALITY, ...EMPTINESS],
    get,
    resolve(value, operand) {
      if (operand.kind === "function") {
        if (!caller) throw new JqlError(`Function 'currentUser' cannot be used by anonymous users.`);
        return caller.key;
      }
      // Jira Server resolves a user value by username, key, e-mail address or full name.
      const lower = value.toLowerCase();
      const users = [...state.users.values()];
      const found =
        state.userByName(value) ??
        state.userByKey(value) ??
        users.find((u) => u.emailAddress?.toLowerCase() === lower) ??
        users.find((u) => u.displayName.toLowerCase() === lower);
      return found ? found.key : noSuchValue(value, field);
    },
  });
  const key: ValueField = {
    kind: "value",
    operators: ORDERED,
    get: (i) => i.key,
    resolve(value) {
      if (/^\d+$/.test(value)) {
        const byId = state.issues.get(value);
        if (!byId) throw new JqlError(`An issue with key '${value}' does not exist for field 'key'.`);
        return byId.key;
      }
      if (!/^[A-Za-z][A-Za-z0-9]*-\d+$/.test(value)) throw new JqlError(`The issue key '${value}' for field 'key' is invalid.`);
      const issue = state.issue(value);
      if (!issue) throw new JqlError(`An issue with key '${value}' does not exist for field 'key'.`);
      return issue.key;
    },
  };
  const comments = (i: JiraIssue) => i.comments.map((c) => c.body);
  return {
    project: {
      kind: "value",
      operators: [...EQUALITY, ...EMPTINESS],
      get: (i) => i.projectId,
      resolve(value) {
        const project = state.project(value) ?? [...state.projects.values()].find((p) => p.name.toLowerCase() === value.toLowerCase());
        return project ? project.id : noSuchValue(value, "project");
      },
    },
    key,
    issuekey: key,
    id: { ...key, get: (i) => i.key },
    summary: { kind: "text", operators: TEXT, texts: (i) => [i.summary] },
    description: { kind: "text", operators: [...TEXT, ...EMPTINESS], texts: (i) => (i.description ? [i.description] : []) },
    comment: { kind: "text", operators: TEXT, texts: comments },
    text: { kind: "text", operators: TEXT, texts: (i) => [i.summary, ...(i.description ? [i.description] : []), ...comments(i)] },
    assignee: user("assignee", (i) => i.assigneeKey),
    reporter: user("reporter", (i) => i.reporterKey),
    creator: user("creator", (i) => i.creatorKey),
    status: {
      kind: "value",
      operators: EQUALITY,
      get: (i) => i.statusId,
      resolve: (value) => state.statusByNameOrId(value)?.id ?? noSuchValue(value, "status"),
    },
    statuscategory: {
      kind: "value",
      operators: EQUALITY,
      get: (i) => state.status(i.statusId)?.category ?? null,
      resolve(value) {
        const lower = value.toLowerCase();
        const category = Object.values(STATUS_CATEGORIES).find((c) => c.key === lower || c.name.toLowerCase() === lower || String(c.id) === value);
        return category ? category.key : noSuchValue(value, "statusCategory");
      },
    },
    issuetype: {
      kind: "value",
      operators: EQUALITY,
      get: (i) => i.issueTypeId,
      resolve: (value) => ISSUE_TYPES.find((t) => t.id === value || t.name.toLowerCase() === value.toLowerCase())?.id ?? noSuchValue(value, "issuetype"),
    },
    priority: {
      kind: "value",
      operators: EQUALITY,
      get: (i) => i.priorityId,
      resolve: (value) => PRIORITIES.find((p) => p.id === value || p.name.toLowerCase() === value.toLowerCase())?.id ?? noSuchValue(value, "priority"),
    },
    resolution: {
      kind: "value",
      operators: [...EQUALITY, ...EMPTINESS],
      get: (i) => i.resolutionId,
      resolve(value) {
        if (value.toLowerCase() === "unresolved") return "";
        if (value === RESOLUTION_DONE.id || value.toLowerCase() === RESOLUTION_DONE.name.toLowerCase()) return RESOLUTION_DONE.id;
        return noSuchValue(value, "resolution");
      },
    },
    labels: { kind: "multi", operators: [...EQUALITY, ...EMPTINESS], values: (i) => i.labels },
    created: { kind: "date", operators: ORDERED.filter((o) => o !== "in" && o !== "not in"), get: (i) => i.createdMs },
    updated: { kind: "date", operators: ORDERED.filter((o) => o !== "in" && o !== "not in"), get: (i) => i.updatedMs },
    resolutiondate: { kind: "date", operators: [...ORDERED.filter((o) => o !== "in" && o !== "not in"), ...EMPTINESS], get: (i) => i.resolutionDateMs },
  };
}

const ALIASES: Record<string, string> = { type: "issuetype", resolved: "resolutiondate", createddate: "created", updateddate: "updated" };

function operandValues(operand: Operand): Array<{ value: string; operand: Operand }> {
  if (operand.kind === "list") return operand.items.flatMap(operandValues);
  if (operand.kind === "value") return [{ value: operand.value, operand }];
  if (operand.kind === "function") return [{ value: `${operand.name}()`, operand }];
  return [];
}

/** Parses a JQL date: `yyyy-MM-dd`, `yyyy/MM/dd HH:mm`, or relative `-1d`, `2h`, `-30m`, `-1w`. */
function parseDate(value: string, now: number, field: string): number {
  const relative = /^([+-]?)(\d+)([wdhm])$/.exec(value);
  if (relative) {
    const unit = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[3] as "w" | "d" | "h" | "m"];
    const amount = Number(relative[2]) * unit;
    return relative[1] === "-" ? now - amount : now + amount;
  }
  const absolute = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(value);
  if (absolute) return Date.UTC(Number(absolute[1]), Number(absolute[2]) - 1, Number(absolute[3]), Number(absolute[4] ?? 0), Number(absolute[5] ?? 0));
  throw new JqlError(`Date value '${value}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
}

function compileClause(state: JiraState, fields: Record<string, Field>, clause: Clause): Predicate {
  const name = clause.field.toLowerCase();
  const field = fields[ALIASES[name] ?? name];
  if (!field) throw new JqlError(`Field '${clause.field}' does not exist or you do not have permission to view it.`);
  const op = clause.operator;
  if (!field.operators.includes(op)) throw new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${clause.field}' field.`);
  const isList = clause.operand.kind === "list";
  const listOperator = op === "in" || op === "not in";
  if (listOperator && !isList) throw new JqlError(`The operator '${op.toUpperCase()}' only supports a list of values for field '${clause.field}'.`);
  if (!listOperator && isList) throw new JqlError(`The operator '${op.toUpperCase()}' does not support a list of values for field '${clause.field}'.`);
  if (EMPTINESS.includes(op) || clause.operand.kind === "empty") {
    if (clause.operand.kind !== "empty") throw new JqlError(`The operator '${op.toUpperCase()}' only supports the value 'EMPTY' for field '${clause.field}'.`);
    const isEmpty: Predicate = (i) => {
      if (field.kind === "value") return field.get(i) === null;
      if (field.kind === "multi") return field.values(i).length === 0;
      if (field.kind === "date") return field.get(i) === null;
      return field.texts(i).length === 0;
    };
    return op === "is" || op === "=" ? isEmpty : (i) => !isEmpty(i);
  }
  for (const v of operandValues(clause.operand)) {
    if (v.operand.kind === "function" && v.operand.name.toLowerCase() !== "currentuser") throw new JqlError(`Unable to find JQL function '${v.operand.name}(${v.operand.args.join(", ")})'.`);
  }
  if (field.kind === "text") {
    const query = (clause.operand as { value: string }).value;
    const contains: Predicate = (i) => matchesText(field.texts(i), query);
    return op === "~" ? contains : (i) => !contains(i);
  }
  if (field.kind === "date") {
    const bound = parseDate((clause.operand as { value: string }).value, state.clock.now(), clause.field);
    return (i) => {
      const v = field.get(i);
      if (v === null) return false;
      return op === "=" ? v === bound : op === "!=" ? v !== bound : op === ">" ? v > bound : op === ">=" ? v >= bound : op === "<" ? v < bound : v <= bound;
    };
  }
  const positive = op === "=" || op === "in";
  if (field.kind === "multi") {
    const wanted = new Set(operandValues(clause.operand).map((v) => v.value.toLowerCase()));
    return (i) => {
      const values = field.values(i).map((v) => v.toLowerCase());
      if (values.length === 0) return false;
      const hit = values.some((v) => wanted.has(v));
      return positive ? hit : !hit;
    };
  }
  const wanted = new Set(operandValues(clause.operand).map((v) => field.resolve(v.value, v.operand)));
  if (op === ">" || op === ">=" || op === "<" || op === "<=") {
    const [bound] = [...wanted];
    return (i) => {
      const c = compareKeys(i.key, bound ?? "");
      return op === ">" ? c > 0 : op === ">=" ? c >= 0 : op === "<" ? c < 0 : c <= 0;
    };
  }
  return (i) => {
    const value = field.get(i);
    // "Unresolved" is the empty resolution; otherwise `!=` and NOT IN never match an empty field.
    if (value === null) return wanted.has("") ? positive : false;
    return positive ? wanted.has(value) : !wanted.has(value);
  };
}

function compileExpr(state: JiraState, fields: Record<string, Field>, expr: JqlExpr): Predicate {
  if (expr.kind === "clause") return compileClause(state, fields, expr);
  if (expr.kind === "not") {
    const inner = compileExpr(state, fields, expr.expr);
    return (i) => !inner(i);
  }
  const items = expr.items.map((e) => compileExpr(state, fields, e));
  return expr.kind === "and" ? (i) => items.every((p) => p(i)) : (i) => items.some((p) => p(i));
}

/** Orders issue keys as Jira does: by project key, then by number. */
function compareKeys(a: string, b: string): number {
  const [pa = "", na = "0"] = a.split("-");
  const [pb = "", nb = "0"] = b.split("-");
  if (pa !== pb) return pa < pb ? -1 : 1;
  return Number(na) - Number(nb);
}

function sortValue(state: JiraState, field: string, issue: JiraIssue): string | number | null {
  switch (field) {
    case "created":
      return issue.createdMs;
    case "updated":
      return issue.updatedMs;
    case "id":
      return Number(issue.id);
    case "summary":
      return issue.summary.toLowerCase();
    case "status":
      return state.status(issue.statusId)?.name.toLowerCase() ?? null;
    case "assignee":
      return state.userByKey(issue.assigneeKey)?.displayName.toLowerCase() ?? null;
    case "reporter":
      return state.userByKey(issue.reporterKey)?.displayName.toLowerCase() ?? null;
    // Priorities sort by their sequence: DESC puts Highest (sequence 1) first.
    case "priority":
      return -Number(issue.priorityId);
    case "resolution":
      return issue.resolutionId;
    case "resolutiondate":
      return issue.resolutionDateMs;
    default:
      return null;
  }
}

const SORTABLE = new Set(["key", "issuekey", "id", "created", "updated", "summary", "status", "assignee", "reporter", "priority", "resolution", "resolutiondate"]);

function comparator(state: JiraState, orderBy: SortKey[]): (a: JiraIssue, b: JiraIssue) => number {
  // Without ORDER BY the newest issue comes first.
  const keys: SortKey[] = orderBy.length ? orderBy : [{ field: "key", direction: "DESC" }];
  for (const k of keys) {
    const name = k.field.toLowerCase();
    if (!SORTABLE.has(ALIASES[name] ?? name)) throw new JqlError(`Not able to sort using field '${k.field}'.`);
  }
  return (a, b) => {
    for (const k of keys) {
      const name = k.field.toLowerCase();
      const field = ALIASES[name] ?? name;
      let c: number;
      if (field === "key" || field === "issuekey") c = compareKeys(a.key, b.key);
      else {
        const va = sortValue(state, field, a);
        const vb = sortValue(state, field, b);
        // Empty values sort last ascending, as Jira's Lucene sort puts them.
        if (va === vb) c = 0;
        else if (va === null) c = 1;
        else if (vb === null) c = -1;
        else c = va < vb ? -1 : 1;
      }
      if (c !== 0) return k.direction === "DESC" ? -c : c;
    }
    return compareKeys(b.key, a.key);
  };
}

/** Parses and validates JQL against the simulator's data; throws `JqlError` with Jira's message. */
export function compileJql(state: JiraState, jql: string, caller: JiraUser | undefined): CompiledJql {
  const query = parseJql(jql);
  const fields = fieldsOf(state, caller);
  const matches = query.where ? compileExpr(state, fields, query.where) : () => true;
  return { matches, compare: comparator(state, query.orderBy) };
}
