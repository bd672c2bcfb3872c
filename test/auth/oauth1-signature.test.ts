import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureBaseString } from "../../src/auth/schemes/oauth1-base-string.js";
import { signOAuth1 } from "../../src/auth/schemes/oauth1-sign.js";

// Public OAuth 1.0 test key (contract §3.3; never used outside tests).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALRiMLAh9iimur8V
A7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d
7rjVJ0BLB+ubPK8iA/Tw3hLQgXMRRGRXXCn8ikfuQfjUS1uZSatdLB81mydBETlJ
hI6GH4twrbDJCR2Bwy/XWXgqgGRzAgMBAAECgYBYWVtleUzavkbrPjy0T5FMou8H
X9u2AC2ry8vD/l7cqedtwMPp9k7TubgNFo+NGvKsl2ynyprOZR1xjQ7WgrgVB+mm
uScOM/5HVceFuGRDhYTCObE+y1kxRloNYXnx3ei1zbeYLPCHdhxRYW7T0qcynNmw
rn05/KO2RLjgQNalsQJBANeA3Q4Nugqy4QBUCEC09SqylT2K9FrrItqL2QKc9v0Z
zO2uwllCbg0dwpVuYPYXYvikNHHg+aCWF+VXsb9rpPsCQQDWR9TT4ORdzoj+Nccn
qkMsDmzt0EfNaAOwHOmVJ2RVBspPcxt5iN4HI7HNeG6U5YsFBb+/GZbgfBT3kpNG
WPTpAkBI+gFhjfJvRw38n3g/+UeAkwMI2TJQS4n8+hid0uus3/zOjDySH3XHCUno
cn1xOJAyZODBo47E+67R4jV1/gzbAkEAklJaspRPXP877NssM5nAZMU0/O/NGCZ+
3jPgDUno6WbJn5cqm8MqWhW1xGkImgRk+fkDBquiq4gPiT898jusgQJAd5Zrr6Q8
AO/0isr/3aa6O6NLQxISLKcPDk2NOccAfS/xOtfOz4sJYM3+Bs4Io9+dZGSDCA54
Lw03eHTNQghS0A==
-----END PRIVATE KEY-----`;

describe("OAuth 1.0a signature base string and RSA-SHA1 (RFC 5849, contract §3.2-3.3)", () => {
  it("normalizes query, protocol and form-body parameters exactly as RFC 5849 §3.4.1.1's example", () => {
    const url = new URL("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    const oauth: Array<[string, string]> = [
      ["realm", "Example"],
      ["oauth_consumer_key", "9djdj82h48djs9d2"],
      ["oauth_token", "kkk9d7dh3k39sjv7"],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", "137131201"],
      ["oauth_nonce", "7d8f3e4a"],
    ];
    expect(signatureBaseString("post", url, oauth, "c2&a3=2+q")).toBe(
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
    );
  });

  it("drops the default port and lower-cases scheme and host in the base URI", () => {
    expect(signatureBaseString("GET", new URL("HTTPS://Jira.Example.COM:443/rest/api/2/myself"), [])).toBe("GET&https%3A%2F%2Fjira.example.com%2Frest%2Fapi%2F2%2Fmyself&");
    expect(signatureBaseString("GET", new URL("http://127.0.0.1:8080/x"), [])).toBe("GET&http%3A%2F%2F127.0.0.1%3A8080%2Fx&");
  });

  it("reproduces the published RSA-SHA1 test case signature", () => {
    const key = createPrivateKey(TEST_KEY);
    const base = signatureBaseString("GET", new URL("http://photos.example.net/photos?file=vacaction.jpg&size=original"), [
      ["oauth_consumer_key", "dpf43f3p2l4k3l03"],
      ["oauth_nonce", "13917289812797014437"],
      ["oauth_signature_method", "RSA-SHA1"],
      ["oauth_timestamp", "1196666512"],
      ["oauth_version", "1.0"],
    ]);
    expect(sign("sha1", Buffer.from(base), key).toString("base64")).toBe(
      "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=",
    );
  });

  it("puts a verifiable signature, a fresh nonce and the token in the Authorization header; JSON bodies are not signed", () => {
    const privateKey = createPrivateKey(TEST_KEY);
    const consumer = { consumerKey: "switchboard", privateKey };
    const request = { method: "POST", url: "http://127.0.0.1:1/rest/api/2/issue?x=1", headers: { "content-type": "application/json" }, body: '{"a":1}' };
    const one = signOAuth1(request, consumer, { token: "tok", timestamp: 1700000000 });
    const two = signOAuth1(request, consumer, { token: "tok", timestamp: 1700000000 });
    expect(one.nonce).not.toBe(two.nonce);
    const params = Object.fromEntries([...one.request.headers.authorization!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2]!)]));
    expect(params).toMatchObject({ oauth_consumer_key: "switchboard", oauth_token: "tok", oauth_timestamp: "1700000000", oauth_signature_method: "RSA-SHA1" });
    const base = signatureBaseString("POST", new URL(request.url), Object.entries(params).filter(([n]) => n !== "oauth_signature") as Array<[string, string]>);
    expect(verify("sha1", Buffer.from(base), createPublicKey(privateKey), Buffer.from(params.oauth_signature as string, "base64"))).toBe(true);
  });
});
