/** Sentry's `OPSGENIE_DEFAULT_PRIORITY` and the priorities Opsgenie accepts (§7.1). */
export const OPSGENIE_DEFAULT_PRIORITY = "P3";
export const OPSGENIE_PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;
export type OpsgeniePriority = (typeof OPSGENIE_PRIORITIES)[number];

/** Opsgenie's limits on an alert (provider-contracts §5.2). */
const LIMITS = { message: 130, alias: 512, description: 15_000, entity: 512, source: 100, detailsTotal: 8_000, tags: 20, tag: 50 };

/** The body of `POST /v2/alerts` as Switchboard sends it. */
export interface OpsgenieAlertPayload {
  message: string;
  alias: string;
  description: string;
  responders: Array<{ type: "team"; id: string }>;
  source: string;
  entity: string;
  priority: OpsgeniePriority;
  details: Record<string, string>;
  tags: string[];
}

/** What the alert is about: the group, its project and the rule that fired. */
export interface AlertSubject {
  groupId: number;
  title: string;
  culprit: string;
  level: string;
  logger?: string | null;
  release?: string | null;
  projectSlug: string;
  projectName: string;
  issueUrl: string;
  ruleLabel: string;
  ruleUrl: string;
  tags?: Record<string, string>;
}

/** The alias Opsgenie de-duplicates on: one open alert per group, however often a job is retried (§7.4). */
export function alertAlias(groupId: number | string): string {
  return `sentry: ${groupId}`;
}

/** Sentry's issue-alert body (§7.4) trimmed to Opsgenie's limits, for a team responder and a priority. */
export function buildAlertPayload(subject: AlertSubject, teamId: string, priority: OpsgeniePriority = OPSGENIE_DEFAULT_PRIORITY): OpsgenieAlertPayload {
  const issueUrl = `${subject.issueUrl}${subject.issueUrl.includes("?") ? "&" : "?"}referrer=opsgenie`;
  const details: Record<string, string> = {
    "Sentry ID": String(subject.groupId),
    "Sentry Group": subject.title,
    "Project ID": subject.projectSlug,
    "Project Name": subject.projectName,
    Logger: subject.logger ?? "",
    Level: subject.level,
    "Issue URL": issueUrl,
    "Triggering Rules": subject.ruleLabel,
    "Triggering Rule URLs": subject.ruleUrl,
    Release: subject.release ?? "",
  };
  return {
    message: truncate(subject.title || "(no title)", LIMITS.message),
    alias: truncate(alertAlias(subject.groupId), LIMITS.alias),
    description: truncate([subject.title, subject.culprit, issueUrl].filter(Boolean).join("\n\n"), LIMITS.description),
    responders: [{ type: "team", id: teamId }],
    source: "Sentry",
    entity: truncate(subject.culprit ?? "", LIMITS.entity),
    priority,
    details: fitDetails(details, LIMITS.detailsTotal),
    tags: alertTags(subject.level, subject.tags ?? {}),
  };
}

/** Sentry's rule label (§7.4): `[removed]` stands for an account or team that no longer exists. */
export function opsgenieActionLabel(account: string | null | undefined, team: string | null | undefined, priority: string | null | undefined): string {
  return `Send a notification to Opsgenie account ${account ?? "[removed]"} and team ${team ?? "[removed]"} with ${priority || OPSGENIE_DEFAULT_PRIORITY} priority`;
}

/** `key:value` tags with commas stripped (Sentry), at most 20 of at most 50 characters. */
function alertTags(level: string, tags: Record<string, string>): string[] {
  const all = [["level", level], ...Object.entries(tags).filter(([k]) => k !== "level")];
  return all.map(([k, v]) => truncate(`${k}:${v}`.replace(/,/g, ""), LIMITS.tag)).slice(0, LIMITS.tags);
}

/** Keeps the details map under Opsgenie's total (keys + values) by shortening the longest values first. */
function fitDetails(details: Record<string, string>, total: number): Record<string, string> {
  const size = () => Object.entries(details).reduce((n, [k, v]) => n + k.length + v.length, 0);
  while (size() > total) {
    const [longest, value] = Object.entries(details).sort((a, b) => b[1].length - a[1].length)[0] as [string, string];
    details[longest] = truncate(value, Math.max(0, value.length - (size() - total)));
  }
  return details;
}

/** Cuts to at most `max` UTF-16 units (Opsgenie counts those) without splitting a character, ending with an ellipsis. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return max > 0 ? `${out}…` : "";
}
