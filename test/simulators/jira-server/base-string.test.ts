import { createHmac, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import fc from "fast-check";
import OAuth from "oauth-1.0a";
import { describe, expect, it } from "vitest";
import { baseStringUri, collectSignedParameters, normalizeParameters, percentEncode, signatureBaseString } from "../../../simulators/jira-server/oauth-base-string.js";
import { parseOAuthHeader } from "../../../simulators/jira-server/oauth-header.js";

// The public RSA test key of provider-contracts §3.3 (wiki.oauth.net TestCases).
const TEST_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
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
-----END PRIVATE KEY-----
`;
const TEST_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx
LlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr
mzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w
yQkdgcMv11l4KoBkcwIDAQAB
-----END PUBLIC KEY-----
`;

const header = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));

describe("Jira Server simulator: the RFC 5849 signature base string (provider-contracts §3.2, §3.3)", () => {
  it("reproduces the RFC 5849 §3.4.1.1 normalization vector from query, header and form body (§3.3)", () => {
    const params = collectSignedParameters({
      url: "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
      headerParams: header({
        realm: "Example",
        oauth_consumer_key: "9djdj82h48djs9d2",
        oauth_token: "kkk9d7dh3k39sjv7",
        oauth_signature_method: "HMAC-SHA1",
        oauth_timestamp: "137131201",
        oauth_nonce: "7d8f3e4a",
        oauth_signature: "bYT5CMsGcbgUdFHObYMEfcx6bsw%3D",
      }),
      contentType: "application/x-www-form-urlencoded",
      body: "c2&a3=2+q",
    });
    expect(signatureBaseString("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", params)).toBe(
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
    );
  });

  it("reproduces the RSA-SHA1 test case: base string, signature with the test key, verification with its public half (§3.3)", () => {
    const url = "http://photos.example.net/photos?file=vacaction.jpg&size=original";
    const params = collectSignedParameters({
      url,
      headerParams: header({ oauth_consumer_key: "dpf43f3p2l4k3l03", oauth_nonce: "13917289812797014437", oauth_signature_method: "RSA-SHA1", oauth_timestamp: "1196666512", oauth_version: "1.0" }),
    });
    const base = signatureBaseString("GET", url, params);
    expect(base).toBe(
      "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal",
    );
    const signature = sign("sha1", Buffer.from(base), createPrivateKey(TEST_PRIVATE_KEY)).toString("base64");
    expect(signature).toBe("jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=");
    expect(verify("sha1", Buffer.from(base), createPublicKey(TEST_PUBLIC_KEY), Buffer.from(signature, "base64"))).toBe(true);
    expect(verify("sha1", Buffer.from(base.replace("vacaction", "vacation")), createPublicKey(TEST_PUBLIC_KEY), Buffer.from(signature, "base64"))).toBe(false);
  });

  it("reproduces the RFC 5849 §1.2 HMAC-SHA1 example, whose nonce is case-sensitive and which has no oauth_version (§3.3)", () => {
    const url = "http://photos.example.net/photos?file=vacation.jpg&size=original";
    const params = collectSignedParameters({
      url,
      headerParams: header({ oauth_consumer_key: "dpf43f3p2l4k3l03", oauth_token: "nnch734d00sl2jdk", oauth_signature_method: "HMAC-SHA1", oauth_timestamp: "137131202", oauth_nonce: "chapoH" }),
    });
    const base = signatureBaseString("GET", url, params);
    expect(createHmac("sha1", "kd94hf93k423kf44&pfkkdhi9sl3r4s00").update(base).digest("base64")).toBe("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
  });

  it("reproduces the Twitter sample shipped with oauth-1.0a, whose form body holds '+', ',' and '!' (§3.3)", () => {
    const url = "https://api.twitter.com/1/statuses/update.json?include_entities=true";
    const params = collectSignedParameters({
      url,
      headerParams: header({
        oauth_consumer_key: "xvz1evFS4wEEPTGEFPHBog",
        oauth_nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        oauth_signature_method: "HMAC-SHA1",
        oauth_timestamp: "1318622958",
        oauth_token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        oauth_version: "1.0",
      }),
      contentType: "application/x-www-form-urlencoded; charset=utf-8",
      body: "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21",
    });
    const base = signatureBaseString("post", url, params);
    expect(base).toBe(
      "POST&https%3A%2F%2Fapi.twitter.com%2F1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
    );
    expect(createHmac("sha1", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE").update(base).digest("base64")).toBe("tnnArxj06cWHq44gCs1OSKk/jLY=");
  });

  it("lowercases scheme and host, drops default ports, keeps other ports, the path, and drops query and fragment (§3.2 rule 2)", () => {
    expect(baseStringUri("HTTP://Example.COM:80/r%20v/X?id=123")).toBe("http://example.com/r%20v/X");
    expect(baseStringUri("https://www.example.net:8080/?q=1#frag")).toBe("https://www.example.net:8080/");
    expect(baseStringUri("HTTPS://Jira.Example.com:443/rest/api/2/issue/SWB-1")).toBe("https://jira.example.com/rest/api/2/issue/SWB-1");
    expect(baseStringUri("http://jira.example.com:443/x")).toBe("http://jira.example.com:443/x");
    expect(baseStringUri("http://127.0.0.1:2990")).toBe("http://127.0.0.1:2990/");
  });

  it("percent-encodes everything but A-Z a-z 0-9 - . _ ~, with uppercase hex and %20 for a space (§3.2 rule 4)", () => {
    expect(percentEncode("a b+c!*'()~-._")).toBe("a%20b%2Bc%21%2A%27%28%29~-._");
    expect(percentEncode("é/€")).toBe("%C3%A9%2F%E2%82%AC");
    expect(percentEncode("=&%")).toBe("%3D%26%25");
  });

  it("sorts by encoded name, then encoded value in byte order, keeping repeated names (§3.2 rule 5)", () => {
    expect(normalizeParameters(header({}).concat([{ name: "a", value: "2" }, { name: "a", value: "10" }, { name: "B", value: "x" }, { name: "a1", value: "" }]))).toBe("B=x&a=10&a=2&a1=");
  });

  it("leaves a JSON body out of the signature: only form-encoded bodies are signed (§3.2 rule 3)", () => {
    const url = "http://jira.example.com/rest/api/2/issue";
    const withJson = collectSignedParameters({ url, headerParams: header({ oauth_nonce: "n" }), contentType: "application/json", body: '{"fields":{"summary":"x=1"}}' });
    expect(withJson).toEqual([{ name: "oauth_nonce", value: "n" }]);
    const withForm = collectSignedParameters({ url, headerParams: [], contentType: "application/x-www-form-urlencoded", body: "summary=x%3D1&oauth_signature=zzz" });
    expect(withForm).toEqual([{ name: "summary", value: "x=1" }]);
  });

  it("parses an Authorization: OAuth header with realm, spacing and percent-encoded values (§3.2 rule 6)", () => {
    expect(parseOAuthHeader('OAuth realm="http://jira", oauth_consumer_key="key%20one",oauth_signature="a%2Bb%3D"')).toEqual([
      { name: "realm", value: "http://jira" },
      { name: "oauth_consumer_key", value: "key one" },
      { name: "oauth_signature", value: "a+b=" },
    ]);
    expect(parseOAuthHeader("Bearer abc")).toBeUndefined();
    expect(parseOAuthHeader(undefined)).toBeUndefined();
  });

  it("agrees with the oauth-1.0a package on base strings for arbitrary query parameters (§3.2)", () => {
    const signer = new OAuth({ consumer: { key: "ck", secret: "" }, signature_method: "RSA-SHA1", hash_function: () => "" });
    const text = fc.string({ unit: fc.constantFrom(..."aZ09 -._~!*'()+/=&?%é€\"".split("")), maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: fc.constantFrom(..."abcXYZ_-09".split("")), minLength: 1, maxLength: 6 }), text, { maxKeys: 5 }), fc.constantFrom("GET", "POST", "PUT"), (query, method) => {
        const qs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
        const url = `http://127.0.0.1:8080/rest/api/2/search${qs ? `?${qs}` : ""}`;
        const oauthData = { oauth_consumer_key: "ck", oauth_nonce: "n0nce", oauth_signature_method: "RSA-SHA1", oauth_timestamp: 1700000000, oauth_version: "1.0", oauth_token: "tok" };
        const theirs = signer.getBaseString({ url, method, data: {} }, { ...oauthData });
        const ours = signatureBaseString(method, url, collectSignedParameters({ url, headerParams: Object.entries(oauthData).map(([name, value]) => ({ name, value: String(value) })) }));
        expect(ours).toBe(theirs);
      }),
      { numRuns: 200 },
    );
  });
});
