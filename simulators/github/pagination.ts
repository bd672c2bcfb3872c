import type { SimRequest } from "../shared/sim-server.js";

/** One page of `items` by `per_page` (default 30, at most 100) and `page`, with GitHub's `Link` header. */
export function paginate<T>(req: SimRequest, base: string, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.url.searchParams.get("per_page")) || 30));
  const page = Math.max(1, Number(req.url.searchParams.get("page")) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const url = new URL(`${base}${req.path}`);
    for (const [k, v] of req.url.searchParams) url.searchParams.set(k, v);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: rels.length ? { link: rels.join(", ") } : {} };
}
