import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError } from "../../domain/errors.js";

/**
 * Ranges an outbound call may not reach unless configuration allows the host: loopback, private,
 * link-local (where cloud metadata lives), carrier-grade NAT, unspecified, and their IPv6 forms.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv6");
}

/** Host names that always mean a metadata service, whatever they resolve to. */
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"]);

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** True when `address` (v4, v6 or v4-mapped v6) is in a range outbound calls may not reach by default. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1] as string, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Refuses a URL a user supplied (Jira Server, Bitbucket, GitHub Enterprise base URLs) when it is not
 * http(s), carries credentials, or reaches a private, loopback, link-local or metadata target that the
 * configuration (`SWITCHBOARD_ALLOW_PRIVATE_TARGETS`) does not name.
 */
export async function assertTargetAllowed(target: string | URL, allowed: readonly string[], resolve: Resolve = systemResolve): Promise<URL> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new AppError("validation", "outbound_url_invalid", `"${String(target)}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("validation", "outbound_url_scheme", `Only http and https URLs can be called, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new AppError("validation", "outbound_url_credentials", "A URL with a user name or password cannot be used as a base URL");
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allowed.some((entry) => entry.toLowerCase() === host)) return url;
  if (METADATA_HOSTS.has(host)) throw forbidden(host);
  const addresses = isIP(host) ? [host] : await resolveOrFail(resolve, host);
  const blocked = addresses.find((address) => isForbiddenAddress(address) && !allowed.includes(address));
  if (blocked !== undefined) throw forbidden(host);
  return url;
}

async function resolveOrFail(resolve: Resolve, host: string): Promise<string[]> {
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) throw new Error("no address");
    return addresses;
  } catch {
    throw new AppError("validation", "outbound_host_unresolved", `The host ${host} could not be resolved`);
  }
}

function forbidden(host: string): AppError {
  return new AppError(
    "validation",
    "outbound_target_forbidden",
    `${host} is a private, loopback, link-local or metadata address; allow it with SWITCHBOARD_ALLOW_PRIVATE_TARGETS if it is meant to be reached`,
  );
}
