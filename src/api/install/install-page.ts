import type { FastifyReply } from "fastify";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/**
 * Sends a small self-contained page of an install flow (inline style, no external assets, no script):
 * a result, an error, or a form. `bodyHtml` must already be escaped.
 */
export function sendInstallPage(reply: FastifyReply, status: number, title: string, bodyHtml: string): FastifyReply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}label{display:block;margin:.8rem 0 .2rem}input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}textarea{height:10rem;font-family:monospace}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.error{color:#a00}</style></head><body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`;
  return reply
    .status(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .header("referrer-policy", "no-referrer")
    .send(html);
}

/** An error page naming what went wrong and what to do (the code is shown for support). */
export function sendInstallError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return sendInstallPage(reply.header("x-error-code", code), status, "Installation failed", `<p class="error">${escapeHtml(message)}</p><p><small>${escapeHtml(code)}</small></p>`);
}
