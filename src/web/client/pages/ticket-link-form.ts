import { ApiError, describeError, get, request, seg } from "../api.js";
import { h, replace } from "../dom.js";
import { checkedField, showFieldErrors, type CheckedField } from "../field-errors.js";
import { listIntegrations, type IntegrationSummary } from "../integrations-api.js";
import { errorNotice, infoNotice } from "../notice.js";
import type { ExternalIssue } from "../types.js";

/** Waiting this long after the last keystroke before searching keeps search-as-you-type within GitHub's 30/min. */
const SEARCH_DEBOUNCE_MS = 300;
/** Providers whose tickets can be linked, and whether their search and create need a repository. */
const TICKET_PROVIDERS: Record<string, { repo: boolean }> = { github: { repo: true }, bitbucket: { repo: true }, vsts: { repo: false }, jira_server: { repo: false } };

interface SearchResult {
  key: string;
  title: string;
  url: string;
  status: string;
}

/** What the form needs from the issue page. */
export interface LinkFormOptions {
  org: string;
  /** The issue's API path, `/api/0/issues/{id}/`. */
  path: string;
  issueTitle: () => string;
  status: HTMLElement;
  done: () => Promise<void>;
}

/** Integrations that can hold tickets: the integrations API when present, else those this issue already links through. */
async function linkableIntegrations(org: string, path: string): Promise<IntegrationSummary[]> {
  const listed = await listIntegrations(org);
  if (listed) return listed.filter((i) => i.provider in TICKET_PROVIDERS && i.status === "active");
  const linked = await get<ExternalIssue[]>(`${path}external-issues/`);
  const byId = new Map(linked.map((l) => [l.integrationId, { id: l.integrationId, name: l.integrationName, provider: l.provider, status: "active" }]));
  return [...byId.values()];
}

/** The issue page's "Link or create a ticket" form: search-as-you-type and pick, or create; errors beside their field. */
export async function buildLinkForm(container: HTMLElement, options: LinkFormOptions): Promise<void> {
  let integrations: IntegrationSummary[];
  try {
    integrations = await linkableIntegrations(options.org, options.path);
  } catch (error) {
    replace(container, errorNotice(error, "load the integrations for linking"));
    return;
  }
  if (integrations.length === 0) {
    replace(container, infoNotice("Install an integration that holds tickets (Integrations page) to link or create tickets."));
    return;
  }

  const integration = checkedField("Integration", h("select", { name: "integration" }, integrations.map((i) => h("option", { value: i.id }, `${i.name} (${i.provider})`))));
  const action = checkedField("Action", h("select", { name: "action" }, h("option", { value: "link" }, "Link an existing ticket"), h("option", { value: "create" }, "Create a new ticket")));
  const repo = checkedField("Repository", h("input", { type: "text", name: "repo", placeholder: "owner/name", autocomplete: "off" }), "Empty: the integration's default repository.");
  const searchInput = h("input", { type: "search", name: "ticket", placeholder: "Words of the title, or a key like owner/repo#12", autocomplete: "off" });
  const search = checkedField("Find a ticket", searchInput);
  const results = h("ul", { class: "plain search-results", "aria-label": "Matching tickets", "aria-live": "polite" });
  const title = checkedField("Title", h("input", { type: "text", name: "title" }));
  const description = checkedField("Description", h("textarea", { name: "description", rows: 3, placeholder: "Empty: the issue's culprit and a link back to it." }));
  const submit = h("button", { type: "submit" }, "Link ticket");
  const general = h("div", { class: "form-errors" });
  const fields: Record<string, CheckedField> = { externalIssue: search, repo, title, description, integration };
  let picked: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sequence = 0;

  const integrationSelect = integration.control as HTMLSelectElement;
  const actionSelect = action.control as HTMLSelectElement;
  const repoInput = repo.control as HTMLInputElement;
  const selected = () => integrations.find((i) => i.id === integrationSelect.value);
  const creating = () => actionSelect.value === "create";

  const arrange = () => {
    const needsRepo = TICKET_PROVIDERS[selected()?.provider ?? ""]?.repo ?? false;
    repo.element.hidden = !needsRepo;
    search.element.hidden = creating();
    results.hidden = creating();
    title.element.hidden = !creating();
    description.element.hidden = !creating();
    submit.textContent = creating() ? "Create ticket" : "Link ticket";
    if (creating() && !(title.control as HTMLInputElement).value) (title.control as HTMLInputElement).value = options.issueTitle();
    showFieldErrors(null, fields);
    replace(general);
  };

  const pick = (r: SearchResult) => {
    picked = r.key;
    searchInput.value = r.key;
    replace(results, h("li", { class: "picked" }, "Selected: ", h("strong", null, r.key), ` — ${r.title}`));
  };

  const runSearch = async () => {
    const query = searchInput.value.trim();
    const mine = ++sequence;
    if (!query || query === picked) return;
    const params = new URLSearchParams({ action: "link", query });
    if (!repo.element.hidden && repoInput.value.trim()) params.set("repo", repoInput.value.trim());
    replace(results, h("li", { class: "muted" }, "Searching…"));
    try {
      const answer = await get<{ results: SearchResult[] }>(`${options.path}integrations/${seg(integrationSelect.value)}/?${params.toString()}`);
      if (mine !== sequence) return; // a newer keystroke's search owns the list
      showFieldErrors(null, fields);
      replace(
        results,
        answer.results.length
          ? answer.results.map((r) =>
              h("li", null, h("button", { type: "button", class: "link-button", "aria-label": `Pick ${r.key}`, onclick: () => pick(r) }, r.key), ` ${r.title} `, h("span", { class: "badge" }, r.status)),
            )
          : h("li", { class: "muted" }, "No ticket matches; check the words, or create a new ticket."),
      );
    } catch (error) {
      if (mine !== sequence) return;
      replace(results);
      const rest = showFieldErrors(error, fields);
      if (!(error instanceof ApiError && error.fields)) search.setError(describeError(error, "search the tickets"));
      else if (rest.length) search.setError(rest.join(" "));
    }
  };

  searchInput.addEventListener("input", () => {
    picked = null;
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), SEARCH_DEBOUNCE_MS);
  });
  repoInput.addEventListener("change", () => void runSearch());
  integrationSelect.addEventListener("change", arrange);
  actionSelect.addEventListener("change", arrange);

  const save = async () => {
    const body: Record<string, unknown> = creating()
      ? { action: "create", title: (title.control as HTMLInputElement).value.trim() || undefined, description: (description.control as HTMLTextAreaElement).value.trim() || undefined }
      : { action: "link", externalIssue: picked ?? searchInput.value.trim() };
    // Linking names the ticket by key (the repository is in it); only a create takes `repo`.
    if (creating() && !repo.element.hidden && repoInput.value.trim()) body.repo = repoInput.value.trim();
    if (!creating() && !body.externalIssue) {
      search.setError("Type words to search, then pick a ticket (or type its key).");
      return;
    }
    showFieldErrors(null, fields);
    replace(general);
    submit.disabled = true;
    replace(options.status, "Saving…");
    try {
      const { data } = await request<{ key: string }>("POST", `${options.path}integrations/${seg(integrationSelect.value)}/`, body);
      replace(options.status, creating() ? `Created ${data.key} and linked it.` : `Linked ${data.key}.`);
      searchInput.value = "";
      picked = null;
      replace(results);
      (title.control as HTMLInputElement).value = "";
      (description.control as HTMLTextAreaElement).value = "";
      if (creating()) arrange();
      await options.done();
    } catch (error) {
      replace(options.status);
      const rest = showFieldErrors(error, fields);
      if (!(error instanceof ApiError && error.fields)) replace(general, errorNotice(error, creating() ? "create the ticket" : "link the ticket"));
      else if (rest.length) replace(general, h("div", { class: "notice notice-error", role: "alert" }, h("p", null, rest.join(" "))));
    } finally {
      submit.disabled = false;
    }
  };

  const form = h(
    "form",
    {
      class: "link-ticket",
      "aria-label": "Link or create a ticket",
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        clearTimeout(timer);
        void save();
      },
    },
    h("div", { class: "inline-form" }, integration.element, action.element, repo.element),
    search.element,
    results,
    title.element,
    description.element,
    general,
    submit,
  );
  replace(container, h("h3", null, "Link or create a ticket"), form);
  arrange();
}
