import { request } from "./api.js";
import { field, h, replace } from "./dom.js";
import { errorNotice } from "./notice.js";
import { navigate } from "./router.js";
import { currentOrg, session, setCurrentOrg, setSession } from "./session.js";

const SECTIONS = [
  { id: "issues", label: "Issues", href: "/issues" },
  { id: "deliveries", label: "Webhook deliveries", href: "/deliveries" },
  { id: "integrations", label: "Integrations", href: "/integrations" },
  { id: "alerts", label: "Alert rules", href: "/alerts" },
  { id: "settings", label: "Settings", href: "/settings" },
];

let shell: { nav: HTMLElement; main: HTMLElement; message: HTMLElement } | undefined;

async function logout(message: HTMLElement): Promise<void> {
  try {
    await request("POST", "/api/0/auth/logout/");
    setSession(null);
    navigate("/login", { replace: true });
  } catch (error) {
    replace(message, errorNotice(error, "log out"));
  }
}

function build(app: HTMLElement): NonNullable<typeof shell> {
  const s = session()!;
  const orgSelect = h(
    "select",
    {
      onchange: (e: Event) => {
        setCurrentOrg((e.target as HTMLSelectElement).value);
        navigate("/issues");
      },
    },
    s.organizations.map((o) => h("option", { value: o.slug, selected: o.slug === currentOrg() }, o.name)),
  );
  const message = h("div", { class: "layout-message" });
  const nav = h("nav", { "aria-label": "Sections", class: "sections" });
  const main = h("main", { id: "main", tabindex: "-1" });
  replace(
    app,
    h(
      "header",
      { class: "topbar" },
      h("a", { href: "/issues", class: "brand" }, "Switchboard"),
      nav,
      h(
        "div",
        { class: "account" },
        s.organizations.length > 1 ? field("Organization", orgSelect) : h("span", { class: "org-name" }, s.organizations[0]?.name ?? "No organization"),
        h("span", { class: "user", title: s.user.email }, s.user.name),
        h("button", { type: "button", class: "secondary", onclick: () => void logout(message) }, "Log out"),
      ),
    ),
    message,
    main,
  );
  return { nav, main, message };
}

/** The page frame (navigation, organization, account) around `main`; built once per login. */
export function layout(app: HTMLElement, section: string): HTMLElement {
  if (!shell || !app.contains(shell.main)) shell = build(app);
  replace(
    shell.nav,
    h(
      "ul",
      null,
      SECTIONS.map((s) => h("li", null, h("a", { href: s.href, "aria-current": s.id === section ? "page" : undefined }, s.label))),
    ),
  );
  replace(shell.message);
  return shell.main;
}

/** Forgets the frame (after logout the next login builds it again for the new user). */
export function resetLayout(): void {
  shell = undefined;
}
