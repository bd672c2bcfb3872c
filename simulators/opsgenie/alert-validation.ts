/** A responder or visibleTo entry as sent: a type plus one of id, name or username. */
export interface ResponderInput {
  type: string;
  id?: string;
  name?: string;
  username?: string;
}

/** A create-alert body that passed validation (§5.2). */
export interface CreateAlertInput {
  message: string;
  alias?: string;
  description?: string;
  responders: ResponderInput[];
  visibleTo: ResponderInput[];
  actions: string[];
  tags: string[];
  details: Record<string, string>;
  entity?: string;
  source?: string;
  priority: string;
  user?: string;
  note?: string;
}

export const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"];

/** §5.2's limits, in characters. */
const LIMITS = { message: 130, alias: 512, description: 15_000, entity: 512, source: 100, user: 100, note: 25_000, action: 50, tag: 50, actions: 10, tags: 20, details: 8_000 };

const RESPONDER_TYPES = ["team", "user", "escalation", "schedule"];
const VISIBLE_TO_TYPES = ["team", "user"];

const label = (field: string) => field[0]?.toUpperCase() + field.slice(1);

function text(body: Record<string, unknown>, field: keyof typeof LIMITS, errors: Record<string, string>): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    errors[field] = `${label(field)} should be a string.`;
    return undefined;
  }
  if (value.length > LIMITS[field]) errors[field] = `${label(field)} can not be longer than ${LIMITS[field]} characters.`;
  return value;
}

function strings(body: Record<string, unknown>, field: "actions" | "tags", each: number, errors: Record<string, string>): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    errors[field] = `${label(field)} should be a list of strings.`;
    return [];
  }
  if (value.length > LIMITS[field]) errors[field] = `${label(field)} can not have more than ${LIMITS[field]} items.`;
  else if (value.some((v: string) => v.length > each)) errors[field] = `${label(field)} can not be longer than ${each} characters each.`;
  return value as string[];
}

function responders(body: Record<string, unknown>, field: "responders" | "visibleTo", types: string[], errors: Record<string, string>): ResponderInput[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors[field] = `${label(field)} should be a list.`;
    return [];
  }
  const out: ResponderInput[] = [];
  for (const entry of value) {
    const r = (entry && typeof entry === "object" ? entry : {}) as Record<string, unknown>;
    if (typeof r.type !== "string" || !types.includes(r.type)) {
      errors[field] = `${label(field)} type should be one of [${types.join(", ")}].`;
      return [];
    }
    const refs = ["id", "name", "username"].filter((k) => typeof r[k] === "string" && r[k] !== "");
    if (refs.length === 0 || (refs.includes("username") && r.type !== "user") || (refs.includes("name") && r.type === "user")) {
      errors[field] = `${label(field)} of type ${r.type} should have ${r.type === "user" ? "an id or a username" : "an id or a name"}.`;
      return [];
    }
    out.push({ type: r.type, id: r.id as string | undefined, name: r.name as string | undefined, username: r.username as string | undefined });
  }
  return out;
}

/** Validates `POST /v2/alerts` as documented (§5.2); returns the field errors Opsgenie answers 422 with. */
export function validateCreateAlert(body: Record<string, unknown>): { input: CreateAlertInput } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const message = text(body, "message", errors);
  if (!errors.message && (message === undefined || !message.trim())) errors.message = "Message can not be empty.";
  const priority = body.priority ?? "P3";
  if (typeof priority !== "string" || !PRIORITIES.includes(priority)) errors.priority = `Priority should be one of [${PRIORITIES.join(", ")}].`;
  const details: Record<string, string> = {};
  if (body.details !== undefined && body.details !== null) {
    if (typeof body.details !== "object" || Array.isArray(body.details) || Object.values(body.details).some((v) => typeof v !== "string")) {
      errors.details = "Details should be a map of strings to strings.";
    } else {
      Object.assign(details, body.details);
      const size = Object.entries(details).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > LIMITS.details) errors.details = `Details can not be longer than ${LIMITS.details} characters in total.`;
    }
  }
  const input: CreateAlertInput = {
    message: message ?? "",
    alias: text(body, "alias", errors),
    description: text(body, "description", errors),
    responders: responders(body, "responders", RESPONDER_TYPES, errors),
    visibleTo: responders(body, "visibleTo", VISIBLE_TO_TYPES, errors),
    actions: strings(body, "actions", LIMITS.action, errors),
    tags: strings(body, "tags", LIMITS.tag, errors),
    details,
    entity: text(body, "entity", errors),
    source: text(body, "source", errors),
    priority: typeof priority === "string" ? priority : "P3",
    user: text(body, "user", errors),
    note: text(body, "note", errors),
  };
  return Object.keys(errors).length ? { errors } : { input };
}
