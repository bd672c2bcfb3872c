import { get, handleUnauthorized } from "./api.js";
import { h, replace } from "./dom.js";
import { layout, resetLayout } from "./layout.js";
import { errorNotice } from "./notice.js";
import { alertRulesPage } from "./pages/alert-rules.js";
import { deliveriesPage } from "./pages/deliveries.js";
import { deliveryPage } from "./pages/delivery.js";
import { integrationsPage } from "./pages/integrations.js";
import { issuePage } from "./pages/issue.js";
import { issuesPage } from "./pages/issues.js";
import { loginPage } from "./pages/login.js";
import { settingsPage } from "./pages/settings.js";
import { mount, navigate, route, startRouter } from "./router.js";
import { session, setSession, type Session } from "./session.js";

route("/login", "Log in", "", loginPage);
route("/", "Issues", "issues", () => navigate("/issues", { replace: true }));
route("/issues", "Issues", "issues", issuesPage);
route("/issues/:id", "Issue", "issues", issuePage);
route("/deliveries", "Webhook deliveries", "deliveries", deliveriesPage);
route("/deliveries/:id", "Webhook delivery", "deliveries", deliveryPage);
route("/integrations", "Integrations", "integrations", integrationsPage);
route("/alerts", "Alert rules", "alerts", alertRulesPage);
route("/settings", "Settings", "settings", settingsPage);

const app = document.getElementById("app")!;

function toLogin(): void {
  setSession(null);
  resetLayout();
  const here = window.location.pathname + window.location.search;
  navigate(here.startsWith("/login") ? here : `/login?next=${encodeURIComponent(here)}`, { replace: true });
}

async function start(): Promise<void> {
  try {
    setSession(await get<Session>("/api/0/auth/session/"));
  } catch (error) {
    if (!(error instanceof Error && "status" in error && error.status === 401)) {
      replace(app, h("main", { id: "main" }, h("h1", null, "Switchboard"), errorNotice(error, "load the dashboard", () => window.location.reload())));
      return;
    }
  }
  handleUnauthorized(toLogin);
  startRouter(async (r, ctx) => {
    if (r?.page === loginPage) {
      resetLayout();
      document.title = "Log in · Switchboard";
      await mount(loginPage, { ...ctx, root: app });
      return;
    }
    if (!session()) return toLogin();
    const main = layout(app, r?.section ?? "");
    replace(main);
    document.title = `${r?.title ?? "Not found"} · Switchboard`;
    if (!r) {
      replace(main, h("h1", null, "Page not found"), h("p", null, "There is no page at this address. ", h("a", { href: "/issues" }, "Go to the issues.")));
      return;
    }
    main.focus({ preventScroll: true });
    await mount(r.page, { ...ctx, root: main });
  });
}

void start();
