import { describe, expect, it } from "vitest";
import { assertTargetAllowed, isForbiddenAddress } from "../../src/platform/http/target-policy.js";

const resolveTo = (addresses: string[]) => async () => addresses;

describe("outbound target policy (user-supplied base URLs)", () => {
  it.each([
    ["127.0.0.1"],
    ["10.1.2.3"],
    ["172.20.0.1"],
    ["192.168.1.10"],
    ["169.254.169.254"],
    ["100.64.0.1"],
    ["0.0.0.0"],
    ["::1"],
    ["fd00::1"],
    ["fe80::1"],
    ["::ffff:127.0.0.1"],
    ["::ffff:169.254.169.254"],
  ])("treats %s as a private, loopback, link-local or metadata address", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([["8.8.8.8"], ["140.82.112.3"], ["2606:4700::1111"]])("treats %s as public", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("refuses the cloud metadata address with a stable code and a message naming the setting", async () => {
    await expect(assertTargetAllowed("http://169.254.169.254/latest/meta-data/", [])).rejects.toMatchObject({
      code: "outbound_target_forbidden",
      message: expect.stringContaining("SWITCHBOARD_ALLOW_PRIVATE_TARGETS"),
    });
  });

  it("refuses a metadata host name whatever it resolves to", async () => {
    await expect(assertTargetAllowed("http://metadata.google.internal/", [], resolveTo(["8.8.8.8"]))).rejects.toMatchObject({ code: "outbound_target_forbidden" });
  });

  it("refuses a public-looking host name that resolves into a private range (DNS pointing inside)", async () => {
    await expect(assertTargetAllowed("https://jira.example.com/", [], resolveTo(["93.184.216.34", "10.0.0.5"]))).rejects.toMatchObject({ code: "outbound_target_forbidden" });
  });

  it("accepts a host that resolves only to public addresses", async () => {
    const url = await assertTargetAllowed("https://jira.example.com/base", [], resolveTo(["93.184.216.34"]));
    expect(url.pathname).toBe("/base");
  });

  it("accepts loopback only when configuration names it", async () => {
    await expect(assertTargetAllowed("http://127.0.0.1:8080/", [])).rejects.toMatchObject({ code: "outbound_target_forbidden" });
    await expect(assertTargetAllowed("http://127.0.0.1:8080/", ["127.0.0.1"])).resolves.toBeInstanceOf(URL);
    await expect(assertTargetAllowed("http://[::1]:8080/", ["::1"])).resolves.toBeInstanceOf(URL);
    await expect(assertTargetAllowed("http://localhost:8080/", ["localhost"])).resolves.toBeInstanceOf(URL);
  });

  it("refuses other schemes, embedded credentials, garbage and unresolvable hosts with their own codes", async () => {
    await expect(assertTargetAllowed("file:///etc/passwd", [])).rejects.toMatchObject({ code: "outbound_url_scheme" });
    await expect(assertTargetAllowed("https://user:pw@example.com/", [])).rejects.toMatchObject({ code: "outbound_url_credentials" });
    await expect(assertTargetAllowed("not a url", [])).rejects.toMatchObject({ code: "outbound_url_invalid" });
    await expect(assertTargetAllowed("https://nowhere.invalid/", [], async () => [])).rejects.toMatchObject({ code: "outbound_host_unresolved" });
  });
});
