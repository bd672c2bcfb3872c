/** What a page gets: where to render, the path's parameters and the query string. */
export interface PageContext {
  root: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Renders a page; may return a cleanup run when the person navigates away (stops polling). */
export type Page = (ctx: PageContext) => void | (() => void) | Promise<void | (() => void)>;

interface Route {
  pattern: RegExp;
  keys: string[];
  page: Page;
  title: string;
  section: string;
}

const routes: Route[] = [];
let cleanup: (() => void) | undefined;
let render: (route: Route | undefined, ctx: Omit<PageContext, "root">) => Promise<void>;

/** Declares a route: `/issues/:id` style patterns. */
export function route(path: string, title: string, section: string, page: Page): void {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, key: string) => (keys.push(key), "([^/]+)"))}/?$`);
  routes.push({ pattern, keys, page, title, section });
}

/** Runs the page for the current location. */
async function dispatch(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const { pathname, search } = window.location;
  for (const r of routes) {
    const match = r.pattern.exec(pathname);
    if (!match) continue;
    const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(match[i + 1] ?? "")]));
    await render(r, { params, query: new URLSearchParams(search) });
    return;
  }
  await render(undefined, { params: {}, query: new URLSearchParams(search) });
}

/** Mounts a page and remembers its cleanup (used by the layout's renderer). */
export async function mount(page: Page, ctx: PageContext): Promise<void> {
  const result = await page(ctx);
  if (typeof result === "function") cleanup = result;
}

/** Goes to a dashboard URL without reloading the page. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  void dispatch();
}

/** The route definitions the layout needs (title and nav section of the current page). */
export type RouteInfo = Pick<Route, "title" | "section" | "page">;

/** Starts the router: intercepts same-origin link clicks and back/forward. */
export function startRouter(renderer: (route: RouteInfo | undefined, ctx: Omit<PageContext, "root">) => Promise<void>): void {
  render = renderer;
  document.addEventListener("click", (event) => {
    const link = (event.target as Element | null)?.closest?.("a");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || link.target || link.hasAttribute("download") || url.pathname.startsWith("/api/")) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => void dispatch());
  void dispatch();
}
