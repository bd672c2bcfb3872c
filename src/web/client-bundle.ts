import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** A built asset held in memory with its strong validator. */
export interface Asset {
  body: string;
  etag: string;
}

/**
 * The client sources. `bin/switchboard.js` runs the service as one bundle kept outside src/, so it names the
 * source root; run from source (tests, tsx), the folder next to this file is the one.
 */
const CLIENT_DIR = process.env.SWITCHBOARD_SOURCE_ROOT
  ? join(process.env.SWITCHBOARD_SOURCE_ROOT, "src", "web", "client", "/")
  : fileURLToPath(new URL("./client/", import.meta.url));

const asset = (body: string): Asset => ({ body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` });

let script: Promise<Asset> | undefined;
let styles: Promise<Asset> | undefined;

/** The dashboard's script: src/web/client bundled by esbuild once per process (no build step, no CDN). */
export function clientScript(): Promise<Asset> {
  script ??= build({
    entryPoints: [`${CLIENT_DIR}main.ts`],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  }).then((result) => asset(result.outputFiles[0]!.text));
  // A failed build is not cached: the next request tries again after the file is fixed.
  script.catch(() => (script = undefined));
  return script;
}

/** The dashboard's stylesheet, read once per process. */
export function clientStyles(): Promise<Asset> {
  styles ??= readFile(`${CLIENT_DIR}styles.css`, "utf8").then(asset);
  styles.catch(() => (styles = undefined));
  return styles;
}
