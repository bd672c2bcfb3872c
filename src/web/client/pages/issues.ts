import { get, request, seg } from "../api.js";
import { field, h, replace, time, type Child } from "../dom.js";
import { errorNotice, infoNotice, loading } from "../notice.js";
import { navigate, type PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import type { ExternalIssue, Issue, Project } from "../types.js";

const PAGE_SIZE = 25;
const STATUSES = ["unresolved", "resolved", "ignored", "all"];

/** The assignee as a short label. */
export function assigneeLabel(issue: Issue): string {
  const a = issue.assignedTo;
  if (!a) return "Unassigned";
  return a.type === "team" ? `#${a.name}` : a.name || a.email || `user ${a.id}`;
}

/** A status as a badge. */
export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status}` }, status);
}

async function fillLinks(cell: HTMLElement, issueId: string): Promise<void> {
  try {
    const links = await get<ExternalIssue[]>(`/api/0/issues/${seg(issueId)}/external-issues/`);
    replace(cell, links.length ? h("ul", { class: "plain" }, links.map((l) => h("li", null, `${l.key}`, h("span", { class: "muted" }, ` (${l.integrationName})`)))) : h("span", { class: "muted" }, "None"));
  } catch {
    replace(cell, h("span", { class: "muted", title: "The linked tickets could not be loaded" }, "?"));
  }
}

/** The issues list: status, assignee, linked tickets; filters by status, project and title; cursor pages. */
export async function issuesPage({ root, query }: PageContext): Promise<void> {
  const org = currentOrg();
  const status = STATUSES.includes(query.get("status") ?? "") ? (query.get("status") as string) : "unresolved";
  const search = query.get("query") ?? "";
  const project = query.get("project") ?? "";
  const cursor = query.get("cursor") ?? "";

  const statusSelect = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s, selected: s === status }, s === "all" ? "Any status" : s)));
  const projectSelect = h("select", { name: "project" }, h("option", { value: "" }, "All projects"));
  const searchInput = h("input", { type: "search", name: "query", value: search, placeholder: "Words of the title" });
  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "Filter issues",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const q = new URLSearchParams();
        if (statusSelect.value !== "unresolved") q.set("status", statusSelect.value);
        if (projectSelect.value) q.set("project", projectSelect.value);
        if (searchInput.value.trim()) q.set("query", searchInput.value.trim());
        navigate(`/issues${q.size ? `?${q}` : ""}`);
      },
    },
    field("Status", statusSelect),
    field("Project", projectSelect),
    field("Search", searchInput),
    h("button", { type: "submit" }, "Apply filters"),
  );
  const results = h("div", { class: "results" }, loading("Loading issues…"));
  replace(root, h("h1", null, "Issues"), filters, results);

  void get<Project[]>(`/api/0/organizations/${seg(org)}/projects/`)
    .then((projects) => projectSelect.append(...projects.map((p) => h("option", { value: p.slug, selected: p.slug === project }, p.name))))
    .catch(() => projectSelect.append(h("option", { value: project, selected: true, disabled: true }, "Projects could not be loaded")));

  const load = async () => {
    replace(results, loading("Loading issues…"));
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), query: `${status === "all" ? "" : `is:${status} `}${search}`.trim() });
    if (cursor) params.set("cursor", cursor);
    const base = project ? `/api/0/projects/${seg(org)}/${seg(project)}/issues/` : `/api/0/organizations/${seg(org)}/issues/`;
    try {
      const page = await request<Issue[]>("GET", `${base}?${params}`);
      if (page.data.length === 0) {
        replace(results, infoNotice(search || status !== "unresolved" || project ? "No issues match these filters." : "No unresolved issues. Events sent by the SDKs create issues here."));
        return;
      }
      const linkCells: [HTMLElement, string][] = [];
      const rows = page.data.map((issue) => {
        const cell = h("td", { "data-label": "Linked tickets" }, "…");
        linkCells.push([cell, issue.id]);
        return h(
          "tr",
          null,
          h("td", { "data-label": "Issue" }, h("a", { href: `/issues/${seg(issue.id)}` }, h("strong", null, issue.shortId), " ", issue.title), h("div", { class: "muted" }, issue.culprit)),
          h("td", { "data-label": "Status" }, statusBadge(issue.status)),
          h("td", { "data-label": "Assignee" }, assigneeLabel(issue)),
          cell,
          h("td", { "data-label": "Events", class: "num" }, issue.count),
          h("td", { "data-label": "Last seen" }, time(issue.lastSeen)),
        );
      });
      const pageLink = (c: string | null, label: string): Child => {
        if (!c) return h("span", { class: "disabled", "aria-disabled": "true" }, label);
        const q = new URLSearchParams(query);
        q.set("cursor", c);
        return h("a", { href: `/issues?${q}`, class: "button secondary" }, label);
      };
      replace(
        results,
        h(
          "table",
          { class: "data issues-table" },
          h("caption", { class: "visually-hidden" }, "Issues"),
          h("thead", null, h("tr", null, ["Issue", "Status", "Assignee", "Linked tickets", "Events", "Last seen"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, rows),
        ),
        h("nav", { class: "pager", "aria-label": "Pages" }, pageLink(page.previous, "Previous page"), pageLink(page.next, "Next page")),
      );
      await Promise.all(linkCells.map(([cell, id]) => fillLinks(cell, id)));
    } catch (error) {
      replace(results, errorNotice(error, "load the issues", () => void load()));
    }
  };
  await load();
}
