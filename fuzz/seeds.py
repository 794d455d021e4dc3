#!/usr/bin/env python3
"""Writes the seed corpus under fuzz/corpus/<target>/ (small, readable files).

Run from anywhere: python3 fuzz/seeds.py. Signed seeds use the constants of
fuzz/src/lib.rs (NOW, SECRET_ID, SECRET_KEY), so they verify in the signature target.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent
REPO = ROOT.parent
NOW = 1_700_000_000
SID = "AKIDfuzz"
KEY = "fuzz-secret-key"
TOKEN_SID = "AKIDfuzztoken"
HOST = "127.0.0.1:4577"
VERSION = "2020-11-01"
DETAIL = "DescribeAssetImageRegistryDetail"
LIST = "DescribeAssetImageRegistryList"


def tc3(method, host, ct, query, body, ts=NOW, sid=SID, service="tcss", headers=None):
    """The Authorization header (signed: content-type;host plus any `headers`)."""
    date = "2023-11-14"  # UTC date of NOW
    signed = {"content-type": ct, "host": host}
    signed.update(headers or {})
    names = sorted(signed)
    canonical = "\n".join([
        method, "/", query if method == "GET" else "",
        "".join(f"{n}:{signed[n].strip().lower()}\n" for n in names),
        ";".join(names), hashlib.sha256(body).hexdigest(),
    ])
    sts = "\n".join(["TC3-HMAC-SHA256", str(ts), f"{date}/{service}/tc3_request",
                     hashlib.sha256(canonical.encode()).hexdigest()])

    def h(k, m):
        return hmac.new(k, m.encode(), hashlib.sha256).digest()

    k = h(h(h(("TC3" + KEY).encode(), date), service), "tc3_request")
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={sid}/{date}/{service}/tc3_request, "
            f"SignedHeaders={';'.join(names)}, Signature={sig}")


def request(method, headers, query="", body=b""):
    head = method + "\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + query + "\n"
    return head.encode() + body


def tc3_json(action, params, ct="application/json", extra=(), sid=SID, service="tcss"):
    body = json.dumps(params).encode()
    auth = tc3("POST", HOST, ct, "", body, sid=sid, service=service)
    headers = [("Host", HOST), ("Content-Type", ct), ("Authorization", auth),
               ("X-TC-Action", action), ("X-TC-Version", VERSION),
               ("X-TC-Timestamp", str(NOW)), ("X-TC-Language", "zh-CN"), *extra]
    return request("POST", headers, "", body)


def tc3_get(action, pairs):
    query = urllib.parse.urlencode(pairs)
    ct = "application/x-www-form-urlencoded"
    auth = tc3("GET", HOST, ct, query, b"")
    headers = [("Host", HOST), ("Content-Type", ct), ("Authorization", auth),
               ("X-TC-Action", action), ("X-TC-Version", VERSION), ("X-TC-Timestamp", str(NOW))]
    return request("GET", headers, query)


def legacy(method, action, pairs, sig_method="HmacSHA256"):
    params = dict(pairs)
    params.update({"Action": action, "Version": VERSION, "SecretId": SID, "Nonce": "4242",
                   "Timestamp": str(NOW), "SignatureMethod": sig_method})
    sts = method + HOST + "/?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
    digest = hashlib.sha256 if sig_method == "HmacSHA256" else hashlib.sha1
    params["Signature"] = base64.b64encode(hmac.new(KEY.encode(), sts.encode(), digest).digest()).decode()
    encoded = urllib.parse.urlencode(params)
    if method == "GET":
        return request("GET", [("Host", HOST)], encoded)
    return request("POST", [("Host", HOST), ("Content-Type", "application/x-www-form-urlencoded")],
                   "", encoded.encode())


def write(target, name, data):
    d = ROOT / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def main():
    filters = [("Filters.0.Name", "ImageName"), ("Filters.0.Values.0", "nginx"),
               ("Filters.0.Values.1", "redis"), ("Filters.0.ExactMatch", "true"), ("Limit", "5")]
    requests = {
        "tc3-json-detail": tc3_json(DETAIL, {"Id": 5427}),
        "tc3-json-detail-string-id": tc3_json(DETAIL, {"Id": "5427", "ImageId": "sha256:x"}),
        "tc3-json-list-filters": tc3_json(LIST, {"Filters": [{"Name": "ImageName", "Values": ["a", "b"]}], "Limit": 10}),
        "tc3-json-charset": tc3_json(DETAIL, {"Id": 1}, ct="application/json; charset=utf-8"),
        "tc3-json-token": tc3_json(DETAIL, {"Id": 1}, sid=TOKEN_SID, extra=[("X-TC-Token", "session-token")]),
        "tc3-json-other-service": tc3_json(DETAIL, {"Id": 1}, service="cvm"),
        "tc3-get-flattened": tc3_get(LIST, filters),
        "legacy-get-sha256": legacy("GET", LIST, filters),
        "legacy-post-sha1": legacy("POST", DETAIL, [("Id", "5427")], "HmacSHA1"),
        "multipart-lines": request("POST", [("Host", HOST), ("Content-Type", "multipart/form-data; boundary=b"),
                                            ("X-TC-Action", DETAIL), ("X-TC-Version", VERSION)], "",
                                   b"Id=5427\nImageId=sha256:x\n"),
        "no-auth-dup-header": request("POST", [("Content-Type", "application/json"), ("X-TC-Action", DETAIL),
                                               ("X-TC-Action", LIST)], "", b"{}"),
        "bad-json": request("POST", [("Content-Type", "application/json")], "", b'{"Id": [1, {"a": nul'),
        "put": request("PUT", [("Host", HOST)], "", b""),
    }
    for name, data in requests.items():
        write("request_parse", name, data)
        write("signature_verify", name, data)

    spec = json.loads((REPO / "spec" / "tcss-2020-11-01.json").read_text())
    wanted = [a for a in spec["actions"] if "ImageRegistry" in a][:12] + ["CreateVirusScanAgain", "DescribeAssetSummary"]
    for action in wanted:
        for i, ex in enumerate(spec["actions"].get(action, {}).get("examples", [])[:2]):
            write("param_validate", f"{action}-{i}", action + "\n" + json.dumps(ex["request"]))
    write("param_validate", "detail-coercions", DETAIL + '\n{"Id": "5427", "ImageId": 12}')
    write("param_validate", "list-nested", LIST + '\n{"Filters": [{"Name": "a", "Values": ["x", 1, true], "ExactMatch": "FALSE"}], "OnlyShowLatest": null, "Limit": "3"}')
    write("param_validate", "unknown-nested", LIST + '\n{"Filters": [{"Name": "a", "Values": [], "Foo": {"Bar": [1]}}]}')

    fixtures = (REPO / "fixtures" / "documented-examples.json").read_text()
    write("fixture_parse", "documented-examples", fixtures)
    write("fixture_parse", "small", json.dumps({"images": [{"Id": 1, "ImageName": "nginx", "ImageTag": "1.25", "VulCnt": "3", "Account": "acme"}]}))
    write("fixture_parse", "response-wrapped", json.dumps({"images": [{"Response": {"Id": 7, "SentiveInfoCnt": 2, "RequestId": "x"}}]}))
    write("fixture_parse", "bad-field", json.dumps({"images": [{"Id": 2, "VulCnt": -1, "Nope": 1}]}))
    write("fixture_parse", "layers", json.dumps({"images": [{"Id": "3", "LayerInfo": "[]", "IsAuthorized": 1, "IsTrustImage": "true", "ImageCreateTime": "2024-01-01T00:00:00Z"}]}))

    # journal_keep: two bytes of limit (144 + little-endian u16), then JSON.
    def limited(limit, value):
        extra = limit - 144
        return bytes([extra & 0xFF, extra >> 8]) + json.dumps(value, ensure_ascii=False).encode()

    write("journal_keep", "small-fits", limited(4096, {"Id": 5427, "Filters": [{"Name": "ImageName", "Values": ["nginx"]}]}))
    write("journal_keep", "long-string", limited(2000, {"ImageId": "x" * 3000, "Esc": "\u0001\"\\\n参"}))
    write("journal_keep", "wide-list", limited(1000, {"Id": list(range(400))}))
    write("journal_keep", "deep", limited(600, {"A": [[[[[{"B": [1, 2, {"C": "d"}]}]]]]]}))
    write("journal_keep", "scalars", limited(144, [None, True, -1.5e300, 18446744073709551615, "=x"]))

    # export_build: asked names, row type, byte bound, then the rows (JSON array).
    rows = [{"ImageName": "=HYPERLINK(\"x\")", "ImageTag": "v1", "VulCnt": 3, "Id": 1},
            {"ImageName": "a,b", "ImageTag": "-2", "VulCnt": None, "IsLatestImage": True},
            {"ImageName": "line\nbreak \"q\"", "Tags": ["x", "y"]}]
    write("export_build", "list", "ImageName,ImageTag,VulCnt,imagename,ScanStartTime\nImageRepoInfo\n100000\n" + json.dumps(rows))
    write("export_build", "vul-aliases", "CVEId,cvss_score,CVSS_Desc,Tag\nImageVul\n4096\n" +
          json.dumps([{"CVEID": "CVE-1", "CvssScore": "9.8", "Tag": ["@a"]}]))
    write("export_build", "over-bound", "ImageName\nImageRepoInfo\n40\n" + json.dumps([{"ImageName": "x" * 30}] * 5))
    write("export_build", "unknown", "ImageName,Nope\nImageRisk\n1000\n[]")


if __name__ == "__main__":
    main()
