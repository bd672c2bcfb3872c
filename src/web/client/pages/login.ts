import { request } from "../api.js";
import { field, h, replace } from "../dom.js";
import { errorNotice } from "../notice.js";
import { navigate, type PageContext } from "../router.js";
import { setSession, type Session } from "../session.js";

/** Where to go after login: only a path of this dashboard, never another site. */
function nextPath(query: URLSearchParams): string {
  const next = query.get("next") ?? "";
  return /^\/(?!\/)/.test(next) && !next.startsWith("/login") ? next : "/issues";
}

/** The login form: email and password; a refusal says so without telling which one was wrong. */
export function loginPage({ root, query }: PageContext): void {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, "Log in");
  const message = h("div", { "aria-live": "assertive" });
  const form = h(
    "form",
    {
      class: "login-form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        submit.textContent = "Logging in…";
        replace(message);
        try {
          const { data } = await request<Session>("POST", "/api/0/auth/login/", { email: email.value, password: password.value });
          setSession(data);
          navigate(nextPath(query), { replace: true });
        } catch (error) {
          const refused = error instanceof Error && "code" in error && error.code === "invalid_credentials";
          replace(message, refused ? h("div", { class: "notice notice-error", role: "alert" }, h("p", null, "The email or password is incorrect.")) : errorNotice(error, "log in"));
          password.value = "";
          password.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = "Log in";
        }
      },
    },
    field("Email", email),
    field("Password", password),
    message,
    submit,
  );
  replace(
    root,
    h(
      "main",
      { id: "main", class: "login" },
      h("h1", null, "Switchboard"),
      h("p", { class: "muted" }, "Log in with the email and password an administrator created for you (switchboard user create)."),
      form,
    ),
  );
  email.focus();
}
