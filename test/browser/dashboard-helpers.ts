import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import type { Kysely } from "kysely";
import { hashPassword } from "../../src/api/auth/password-hash.js";
import type { Database } from "../../src/store/schema.js";
import { setPasswordHash } from "../../src/store/user-passwords.js";

/** Debian's Chromium, headless, as CI installs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}

/** Gives a user a dashboard password. */
export async function givePassword(db: Kysely<Database>, userId: number, password: string): Promise<void> {
  await setPasswordHash(db, userId, await hashPassword(password));
}

/** Logs in through the form and waits for the issues page. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Issues", level: 1 }).waitFor();
}

let shotsDir: Promise<string> | undefined;

/**
 * Screenshots go to a temporary directory; with SWITCHBOARD_SCREENSHOTS=1 they are also copied to
 * docs/screenshots (so an ordinary test run never changes the working tree).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  shotsDir ??= mkdtemp(join(tmpdir(), "switchboard-shots-"));
  const file = join(await shotsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.SWITCHBOARD_SCREENSHOTS === "1") {
    await mkdir("docs/screenshots", { recursive: true });
    await copyFile(file, join("docs/screenshots", `${name}.png`));
  }
  return file;
}

/** The error shown beside a form control (the element its aria-describedby names), or null when none. */
export async function errorBeside(control: Locator): Promise<string | null> {
  const id = await control.getAttribute("aria-describedby");
  if (!id) return null;
  return control.page().locator(`[id="${id}"]`).textContent();
}
