import { get, request, seg } from "../api.js";
import { field, h, replace, time } from "../dom.js";
import { errorNotice, infoNotice, loading, statusLine } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import type { ExternalIssue, Issue, Member, Team } from "../types.js";
import { assigneeLabel, statusBadge } from "./issues.js";
import { buildLinkForm } from "./ticket-link-form.js";

/** How often the page re-reads the issue, so changes arriving by webhook show without a reload. */
const POLL_MS = 3000;

interface Activity {
  id: string;
  type: string;
  data: Record<string, unknown>;
  dateCreated: string;
  user: { id: string } | null;
}

interface SyncLogEntry {
  id: string;
  direction: string;
  field: string;
  outcome: string;
  reason: string;
  createdAt?: string;
  created_at?: string;
}

function describeActivity(a: Activity, people: Map<string, string>): string {
  const who = a.user ? (people.get(a.user.id) ?? `user ${a.user.id}`) : "Switchboard";
  const via = typeof a.data.integration === "string" ? ` (via ${a.data.integration})` : "";
  switch (a.type) {
    case "assigned": {
      const target = typeof a.data.assigneeEmail === "string" ? a.data.assigneeEmail : typeof a.data.assignee === "string" ? (people.get(a.data.assignee) ?? a.data.assignee) : "someone";
      return `${who} assigned the issue to ${a.data.assigneeType === "team" ? "a team" : target}${via}`;
    }
    case "unassigned":
      return `${who} unassigned the issue${via}`;
    case "set_resolved":
      return `${who} resolved the issue${via}`;
    case "set_unresolved":
      return `${who} reopened the issue${via}`;
    case "set_ignored":
      return `${who} ignored the issue${via}`;
    case "set_regression":
      return "The issue regressed (new events after it was resolved)";
    case "first_seen":
      return "First seen";
    case "create_issue":
      return `${who} created a ticket${typeof a.data.title === "string" ? `: ${a.data.title}` : ""}`;
    default:
      return `${a.type.replace(/_/g, " ")}${via}`;
  }
}

/** One issue: details, assign / resolve / reopen, linked tickets with link/create/unlink, sync log, timeline. */
export async function issuePage({ root, params }: PageContext): Promise<() => void> {
  const org = currentOrg();
  const id = params.id ?? "";
  const path = `/api/0/issues/${seg(id)}/`;

  const heading = h("h1", null, "Issue");
  const summary = h("section", { class: "issue-summary", "aria-label": "Summary", "aria-live": "polite" }, loading("Loading the issue…"));
  const actionStatus = statusLine();
  const assigneeSelect = h("select", { name: "assignee" }, h("option", { value: "" }, "Unassigned"));
  const assignButton = h("button", { type: "submit" }, "Assign");
  const resolveButton = h("button", { type: "button", class: "secondary" }, "Resolve");
  const reopenButton = h("button", { type: "button", class: "secondary" }, "Reopen");
  const linkList = h("div", null, loading());
  const linkForm = h("div", { class: "link-form" });
  const links = h("section", { class: "links", "aria-labelledby": "links-h" }, h("h2", { id: "links-h" }, "Linked tickets"), linkList, linkForm);
  const syncLog = h("section", { "aria-labelledby": "sync-h" }, h("h2", { id: "sync-h" }, "Sync log"), loading());
  const timeline = h("section", { "aria-labelledby": "activity-h" }, h("h2", { id: "activity-h" }, "Activity"), loading());
  const people = new Map<string, string>();
  let issue: Issue | null = null;
  let dirtyAssignee = false;

  const act = async (what: string, body: Record<string, unknown>) => {
    replace(actionStatus, "Saving…");
    try {
      const { data } = await request<Issue>("PUT", path, body);
      issue = data;
      dirtyAssignee = false;
      renderSummary();
      replace(actionStatus, `Done: ${what}.`);
      void refreshActivity();
    } catch (error) {
      replace(actionStatus, errorNotice(error, what));
    }
  };

  const renderSummary = () => {
    if (!issue) return;
    heading.textContent = `${issue.shortId} ${issue.title}`;
    replace(
      summary,
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Status"),
        h("dd", { id: "issue-status" }, statusBadge(issue.status)),
        h("dt", null, "Assignee"),
        h("dd", { id: "issue-assignee" }, assigneeLabel(issue)),
        h("dt", null, "Project"),
        h("dd", null, issue.project.name),
        h("dt", null, "Events"),
        h("dd", null, issue.count),
        h("dt", null, "First seen"),
        h("dd", null, time(issue.firstSeen)),
        h("dt", null, "Last seen"),
        h("dd", null, time(issue.lastSeen)),
      ),
      issue.culprit ? h("p", { class: "muted" }, issue.culprit) : null,
    );
    resolveButton.hidden = issue.status === "resolved";
    reopenButton.hidden = issue.status === "unresolved";
    const value = issue.assignedTo ? `${issue.assignedTo.type}:${issue.assignedTo.id}` : "";
    if (!dirtyAssignee && document.activeElement !== assigneeSelect) assigneeSelect.value = value;
  };

  const refreshActivity = async () => {
    try {
      const { activity } = await get<{ activity: Activity[] }>(`${path}activities/`);
      replace(
        timeline,
        h("h2", { id: "activity-h" }, "Activity"),
        activity.length
          ? h("ol", { class: "timeline" }, activity.map((a) => h("li", null, h("span", null, describeActivity(a, people)), " ", h("span", { class: "muted" }, time(a.dateCreated)))))
          : infoNotice("Nothing has happened to this issue yet."),
      );
    } catch (error) {
      replace(timeline, h("h2", { id: "activity-h" }, "Activity"), errorNotice(error, "load the activity", () => void refreshActivity()));
    }
  };

  const refreshLinks = async () => {
    try {
      const linked = await get<ExternalIssue[]>(`${path}external-issues/`);
      replace(
        linkList,
        linked.length
          ? h(
              "ul",
              { class: "plain linked" },
              linked.map((l) =>
                h(
                  "li",
                  null,
                  l.url ? h("a", { href: l.url, rel: "noopener noreferrer", target: "_blank" }, l.key) : h("strong", null, l.key),
                  h("span", { class: "muted" }, ` ${l.integrationName} (${l.provider})`),
                  l.title ? h("span", null, ` — ${l.title}`) : null,
                  " ",
                  h("button", { type: "button", class: "link-button", "aria-label": `Unlink ${l.key}`, onclick: () => void unlink(l) }, "Unlink"),
                ),
              ),
            )
          : infoNotice("No tickets are linked to this issue."),
      );
      const logs = await Promise.all(
        linked.map(async (l) => {
          try {
            return { l, entries: await get<SyncLogEntry[]>(`${path}integrations/${seg(l.integrationId)}/sync-log/`) };
          } catch (error) {
            return { l, error };
          }
        }),
      );
      replace(
        syncLog,
        h("h2", { id: "sync-h" }, "Sync log"),
        logs.length === 0 ? infoNotice("The sync log lists every change exchanged with linked tickets; link a ticket first.") : null,
        logs.map((entry) =>
          h(
            "div",
            { class: "sync-block" },
            h("h3", null, `${entry.l.integrationName} ${entry.l.key}`),
            "error" in entry
              ? errorNotice(entry.error, "load the sync log")
              : entry.entries.length === 0
                ? h("p", { class: "muted" }, "Nothing synced yet.")
                : h(
                    "table",
                    { class: "data" },
                    h("thead", null, h("tr", null, ["When", "Direction", "Field", "Outcome", "Why"].map((c) => h("th", { scope: "col" }, c)))),
                    h(
                      "tbody",
                      null,
                      entry.entries.slice(0, 50).map((e) =>
                        h(
                          "tr",
                          null,
                          h("td", { "data-label": "When" }, time(e.createdAt ?? e.created_at)),
                          h("td", { "data-label": "Direction" }, e.direction),
                          h("td", { "data-label": "Field" }, e.field),
                          h("td", { "data-label": "Outcome" }, h("span", { class: `badge outcome-${e.outcome}` }, e.outcome)),
                          h("td", { "data-label": "Why" }, e.reason),
                        ),
                      ),
                    ),
                  ),
          ),
        ),
      );
    } catch (error) {
      replace(linkList, errorNotice(error, "load the linked tickets", () => void refreshLinks()));
    }
  };

  const unlink = async (l: ExternalIssue) => {
    if (!window.confirm(`Unlink ${l.key} from this issue?`)) return;
    try {
      await request("DELETE", `${path}integrations/${seg(l.integrationId)}/?externalIssue=${seg(l.id)}`);
      replace(actionStatus, `Unlinked ${l.key}.`);
      await refreshLinks();
    } catch (error) {
      replace(actionStatus, errorNotice(error, `unlink ${l.key}`));
    }
  };

  const refresh = async () => {
    try {
      issue = (await request<Issue>("GET", path)).data;
      renderSummary();
    } catch (error) {
      if (!issue) replace(summary, errorNotice(error, "load this issue", () => void refresh()));
      return;
    }
    await Promise.all([refreshActivity(), refreshLinks()]);
  };

  const assignForm = h(
    "form",
    {
      class: "inline-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const value = assigneeSelect.value;
        void act(value ? `assign to ${assigneeSelect.selectedOptions[0]?.textContent ?? value}` : "unassign", { assignedTo: value || null });
      },
    },
    field("Assignee", assigneeSelect),
    assignButton,
  );
  assigneeSelect.addEventListener("change", () => (dirtyAssignee = true));
  resolveButton.addEventListener("click", () => void act("resolve", { status: "resolved" }));
  reopenButton.addEventListener("click", () => void act("reopen", { status: "unresolved" }));

  replace(
    root,
    h("p", { class: "breadcrumb" }, h("a", { href: "/issues" }, "← Issues")),
    heading,
    summary,
    h("section", { class: "actions", "aria-label": "Actions" }, assignForm, h("div", { class: "buttons" }, resolveButton, reopenButton), actionStatus),
    h("div", { class: "columns" }, h("div", null, links, syncLog), timeline),
  );

  void loadAssignees(org, assigneeSelect, people).then(() => renderSummary());
  void buildLinkForm(linkForm, { org, path, issueTitle: () => issue?.title ?? "", status: actionStatus, done: async () => void (await Promise.all([refreshLinks(), refreshActivity()])) });
  await refresh();

  // Poll while the page is open, and at once when the person comes back to the tab.
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") void refresh();
  }, POLL_MS);
  const onFocus = () => void refresh();
  window.addEventListener("focus", onFocus);
  return () => {
    clearInterval(timer);
    window.removeEventListener("focus", onFocus);
  };
}

async function loadAssignees(org: string, select: HTMLSelectElement, people: Map<string, string>): Promise<void> {
  try {
    const [members, teams] = await Promise.all([get<Member[]>(`/api/0/organizations/${seg(org)}/members/`), get<Team[]>(`/api/0/organizations/${seg(org)}/teams/`)]);
    for (const m of members) people.set(m.user.id, m.name || m.email);
    select.append(
      h("optgroup", { label: "Members" }, members.map((m) => h("option", { value: `user:${m.user.id}` }, m.name && m.name !== m.email ? `${m.name} (${m.email})` : m.email))),
      ...(teams.length ? [h("optgroup", { label: "Teams" }, teams.map((t) => h("option", { value: `team:${t.id}` }, `#${t.slug}`)))] : []),
    );
  } catch {
    select.append(h("option", { disabled: true }, "Members could not be loaded; reload to try again"));
  }
}
