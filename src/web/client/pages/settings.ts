import { get, request, seg } from "../api.js";
import { field, h, replace, time } from "../dom.js";
import { listIntegrations, type IntegrationSummary } from "../integrations-api.js";
import { errorNotice, infoNotice, loading, statusLine } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import type { Member, Team } from "../types.js";

interface Organization {
  slug: string;
  name: string;
  featureSwitches: Record<string, boolean>;
}

interface ExternalActor {
  id: string;
  externalName: string;
  provider: string;
  integrationId: string;
  userId?: string;
  teamId?: string;
}

interface UnresolvedIdentity {
  id: string;
  integrationId: string;
  provider: string;
  kind: string;
  value: string;
  externalIssueKey: string;
  occurrences: number;
  lastSeen: string;
}

interface ApiToken {
  id: string;
  name: string;
  tokenLastCharacters: string;
  dateCreated: string;
  dateLastUsed: string | null;
}

interface Directory {
  members: Member[];
  teams: Team[];
  integrations: IntegrationSummary[] | null;
}

const memberLabel = (m: Member) => (m.name && m.name !== m.email ? `${m.name} (${m.email})` : m.email);

function section(id: string, title: string, intro: string): { el: HTMLElement; body: HTMLElement } {
  const body = h("div", null, loading());
  return { el: h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), h("p", { class: "muted" }, intro), body), body };
}

/** Organization settings: feature switches, external users and teams, unresolved identities, API tokens. */
export async function settingsPage({ root }: PageContext): Promise<void> {
  const org = currentOrg();
  const base = `/api/0/organizations/${seg(org)}`;
  const features = section("features-h", "Feature switches", "What Switchboard does for this organization.");
  const users = section("external-users-h", "External users", "Provider names (GitHub @login, Jira user…) mapped to members, used when a ticket's assignee changes.");
  const teams = section("external-teams-h", "External teams", "Provider team names mapped to teams.");
  const unresolved = section("unresolved-h", "Unresolved identities", "Assignees a provider named that matched no member. Map one to a member and its waiting change applies.");
  const tokens = section("tokens-h", "API tokens", "Bearer tokens for the API (/api/0/). A token is shown once, when created.");
  replace(root, h("h1", null, "Settings"), features.el, unresolved.el, users.el, teams.el, tokens.el);

  let directory: Directory;
  try {
    const [members, teamList, integrations] = await Promise.all([get<Member[]>(`${base}/members/`), get<Team[]>(`${base}/teams/`), listIntegrations(org).catch(() => null)]);
    directory = { members, teams: teamList, integrations };
  } catch (error) {
    replace(root, h("h1", null, "Settings"), errorNotice(error, "load the organization's members and teams", () => void settingsPage({ root, params: {}, query: new URLSearchParams() })));
    return;
  }
  await Promise.all([
    loadFeatures(base, features.body),
    loadUnresolved(base, unresolved.body, directory, () => loadActors(base, "user", users.body, directory)),
    loadActors(base, "user", users.body, directory),
    loadActors(base, "team", teams.body, directory),
    loadTokens(base, tokens.body),
  ]);
}

async function loadFeatures(base: string, body: HTMLElement): Promise<void> {
  try {
    const org = await get<Organization>(`${base}/`);
    const status = statusLine();
    const boxes = Object.entries(org.featureSwitches).map(([name, on]) => {
      const box = h("input", { type: "checkbox", name, checked: on });
      box.addEventListener("change", async () => {
        box.disabled = true;
        try {
          await request("PUT", `${base}/`, { features: { [name]: box.checked } });
          replace(status, `${name} is now ${box.checked ? "on" : "off"}.`);
        } catch (error) {
          box.checked = !box.checked;
          replace(status, errorNotice(error, `change ${name}`));
        } finally {
          box.disabled = false;
        }
      });
      return h("li", null, h("label", null, box, " ", name));
    });
    replace(body, h("ul", { class: "plain switches" }, boxes), status);
  } catch (error) {
    replace(body, errorNotice(error, "load the feature switches", () => void loadFeatures(base, body)));
  }
}

function integrationSelect(directory: Directory, preferred?: string): HTMLElement {
  if (directory.integrations?.length) {
    return h("select", { name: "integrationId", required: true }, directory.integrations.map((i) => h("option", { value: i.id, selected: i.id === preferred }, `${i.name} (${i.provider})`)));
  }
  // Without the integrations API the id is typed; the API still checks it is installed here.
  return h("input", { type: "text", name: "integrationId", inputmode: "numeric", required: true, value: preferred ?? "" });
}

async function loadActors(base: string, kind: "user" | "team", body: HTMLElement, directory: Directory): Promise<void> {
  const path = `${base}/external-${kind}s/`;
  const status = statusLine();
  try {
    const actors = await get<ExternalActor[]>(path);
    const nameOf = (a: ExternalActor) =>
      kind === "user" ? (directory.members.find((m) => m.user.id === a.userId)?.email ?? `user ${a.userId}`) : `#${directory.teams.find((t) => t.id === a.teamId)?.slug ?? a.teamId}`;
    const list = actors.length
      ? h(
          "table",
          { class: "data" },
          h("thead", null, h("tr", null, ["Provider name", "Provider", kind === "user" ? "Member" : "Team", ""].map((c) => h("th", { scope: "col" }, c)))),
          h(
            "tbody",
            null,
            actors.map((a) =>
              h(
                "tr",
                null,
                h("td", { "data-label": "Provider name" }, a.externalName),
                h("td", { "data-label": "Provider" }, a.provider),
                h("td", { "data-label": kind === "user" ? "Member" : "Team" }, nameOf(a)),
                h(
                  "td",
                  null,
                  h(
                    "button",
                    {
                      type: "button",
                      class: "link-button",
                      "aria-label": `Delete the mapping of ${a.externalName}`,
                      onclick: async () => {
                        try {
                          await request("DELETE", `${path}${seg(a.id)}/`);
                          await loadActors(base, kind, body, directory);
                        } catch (error) {
                          replace(status, errorNotice(error, `delete the mapping of ${a.externalName}`));
                        }
                      },
                    },
                    "Delete",
                  ),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, `No external ${kind}s yet.`);
    const externalName = h("input", { type: "text", name: "externalName", required: true, placeholder: kind === "user" ? "@login" : "@org/team" });
    const provider = h("select", { name: "provider" }, ["github", "vsts", "jira_server", "bitbucket", "gitlab", "slack", "msteams", "custom"].map((p) => h("option", { value: p }, p)));
    const target =
      kind === "user"
        ? h("select", { name: "userId" }, directory.members.map((m) => h("option", { value: m.user.id }, memberLabel(m))))
        : h("select", { name: "teamId" }, directory.teams.map((t) => h("option", { value: t.id }, `#${t.slug}`)));
    const integration = integrationSelect(directory);
    const form = h(
      "form",
      {
        class: "inline-form",
        "aria-label": `Add an external ${kind}`,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            await request("POST", path, {
              externalName: externalName.value,
              provider: provider.value,
              integrationId: (integration as HTMLInputElement).value,
              [kind === "user" ? "userId" : "teamId"]: target.value,
            });
            await loadActors(base, kind, body, directory);
          } catch (error) {
            replace(status, errorNotice(error, `add the external ${kind}`));
          }
        },
      },
      field("Provider name", externalName),
      field("Provider", provider),
      field("Integration", integration),
      field(kind === "user" ? "Member" : "Team", target),
      h("button", { type: "submit" }, `Add external ${kind}`),
    );
    replace(body, list, form, status);
  } catch (error) {
    replace(body, errorNotice(error, `load the external ${kind}s`, () => void loadActors(base, kind, body, directory)));
  }
}

async function loadUnresolved(base: string, body: HTMLElement, directory: Directory, mapped: () => Promise<void>): Promise<void> {
  try {
    const rows = await get<UnresolvedIdentity[]>(`${base}/unresolved-identities/`);
    if (rows.length === 0) {
      replace(body, infoNotice("Every assignee the providers named matched a member."));
      return;
    }
    const status = statusLine();
    replace(
      body,
      h(
        "ul",
        { class: "plain identities" },
        rows.map((r) => {
          const member = h("select", { name: "member" }, directory.members.map((m) => h("option", { value: m.user.id }, memberLabel(m))));
          return h(
            "li",
            { class: "identity" },
            h("div", null, h("strong", null, r.value), h("span", { class: "muted" }, ` ${r.provider} · ${r.kind.replace("_", " ")} · ticket ${r.externalIssueKey} · seen ${r.occurrences}× · last `), time(r.lastSeen)),
            h(
              "form",
              {
                class: "inline-form",
                "aria-label": `Map ${r.value}`,
                onsubmit: async (e: Event) => {
                  e.preventDefault();
                  try {
                    await request("POST", `${base}/external-users/`, { externalName: r.value, provider: r.provider, integrationId: r.integrationId, userId: member.value });
                    replace(status, `${r.value} is now mapped to ${member.selectedOptions[0]?.textContent ?? "the member"}.`);
                    await Promise.all([loadUnresolved(base, body, directory, mapped), mapped()]);
                  } catch (error) {
                    replace(status, errorNotice(error, `map ${r.value}`));
                  }
                },
              },
              field(`Member for ${r.value}`, member),
              h("button", { type: "submit" }, "Map to this member"),
            ),
          );
        }),
      ),
      status,
    );
  } catch (error) {
    replace(body, errorNotice(error, "load the unresolved identities", () => void loadUnresolved(base, body, directory, mapped)));
  }
}

async function loadTokens(base: string, body: HTMLElement, created?: string): Promise<void> {
  const path = `${base}/org-auth-tokens/`;
  const status = statusLine();
  try {
    const tokens = await get<ApiToken[]>(path);
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "100" });
    replace(
      body,
      created
        ? h(
            "div",
            { class: "notice notice-success", role: "status" },
            h("p", null, "Copy the new token now; it will not be shown again:"),
            h("input", { type: "text", readOnly: true, value: created, "aria-label": "New API token", class: "token-value", onfocus: (e: Event) => (e.target as HTMLInputElement).select() }),
          )
        : null,
      tokens.length
        ? h(
            "table",
            { class: "data" },
            h("thead", null, h("tr", null, ["Name", "Token", "Created", "Last used", ""].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              null,
              tokens.map((t) =>
                h(
                  "tr",
                  null,
                  h("td", { "data-label": "Name" }, t.name),
                  h("td", { "data-label": "Token" }, h("code", null, `…${t.tokenLastCharacters}`)),
                  h("td", { "data-label": "Created" }, time(t.dateCreated)),
                  h("td", { "data-label": "Last used" }, time(t.dateLastUsed)),
                  h(
                    "td",
                    null,
                    h(
                      "button",
                      {
                        type: "button",
                        class: "link-button danger",
                        "aria-label": `Revoke ${t.name}`,
                        onclick: async () => {
                          if (!window.confirm(`Revoke the token "${t.name}"? Programs using it will stop working.`)) return;
                          try {
                            await request("DELETE", `${path}${seg(t.id)}/`);
                            await loadTokens(base, body);
                          } catch (error) {
                            replace(status, errorNotice(error, `revoke ${t.name}`));
                          }
                        },
                      },
                      "Revoke",
                    ),
                  ),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No API tokens."),
      h(
        "form",
        {
          class: "inline-form",
          "aria-label": "Create an API token",
          onsubmit: async (e: Event) => {
            e.preventDefault();
            try {
              const { data } = await request<{ token: string }>("POST", path, { name: name.value });
              await loadTokens(base, body, data.token);
            } catch (error) {
              replace(status, errorNotice(error, "create the token"));
            }
          },
        },
        field("Token name", name),
        h("button", { type: "submit" }, "Create token"),
      ),
      status,
    );
  } catch (error) {
    replace(body, errorNotice(error, "load the API tokens", () => void loadTokens(base, body)));
  }
}
