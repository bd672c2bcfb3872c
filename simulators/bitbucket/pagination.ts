import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { bbError } from "./errors.js";

const DEFAULT_PAGELEN = 10;
const MAX_PAGELEN = 100;

/** One page in Bitbucket's paginated shape: `size`, `page`, `pagelen`, `values`, `next`, `previous`. */
export function paginate<T>(req: SimRequest, apiBase: string, items: T[], render: (item: T) => unknown): SimResponse {
  const rawPage = req.url.searchParams.get("page");
  const rawLen = req.url.searchParams.get("pagelen");
  const page = rawPage === null ? 1 : Number(rawPage);
  const pagelen = rawLen === null ? DEFAULT_PAGELEN : Math.min(Number(rawLen), MAX_PAGELEN);
  if (!Number.isInteger(page) || page < 1) return bbError(400, "Invalid page");
  if (!Number.isInteger(pagelen) || pagelen < 1) return bbError(400, "Invalid pagelen");
  const pages = Math.max(1, Math.ceil(items.length / pagelen));
  if (page > pages) return bbError(404, "Invalid page");
  const link = (n: number) => {
    const url = new URL(`${apiBase}${req.path}`);
    for (const [k, v] of req.url.searchParams) if (k !== "page") url.searchParams.append(k, v);
    url.searchParams.set("page", String(n));
    return url.toString();
  };
  const body: Record<string, unknown> = {
    size: items.length,
    page,
    pagelen,
    values: items.slice((page - 1) * pagelen, page * pagelen).map(render),
  };
  if (page < pages) body.next = link(page + 1);
  if (page > 1) body.previous = link(page - 1);
  return { status: 200, body };
}
