#!/usr/bin/env python3
"""Generate the TCSS 2020-11-01 spec tables from the official tccli package.

Inputs: `tccli/services/tcss/v20201101/api.json` and `examples.json` from the
wheel of PyPI package tccli==3.1.189.1 (pinned, hash-checked).

Outputs (paths relative to the repository root):
  spec/tcss-2020-11-01.json          compact, facts-only spec (no prose)
  src/spec/generated.rs              static Rust tables (see src/spec/types.rs)
  fixtures/documented-examples.json  the two documented DescribeAssetImageRegistryDetail answers

Modes:
  gen-spec.py               download the wheel with pip, write all three files
  gen-spec.py --wheel PATH  same, from a wheel already on disk
  gen-spec.py --from-json   regenerate only generated.rs from the committed spec JSON
                            (no network; CI runs this, then `git diff --exit-code`)

A summary (counts, and every example request that does not fit its request
schema) goes to stderr. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

TCCLI_VERSION = "3.1.189.1"
WHEEL_NAME = f"tccli-{TCCLI_VERSION}-py2.py3-none-any.whl"
WHEEL_SHA256 = "98ec6fdc56000f0947ae34d601bfb86e49824afe21f6deb03d1b259221bf871c"
API_MEMBER = "tccli/services/tcss/v20201101/api.json"
EXAMPLES_MEMBER = "tccli/services/tcss/v20201101/examples.json"

SERVICE = "tcss"
VERSION = "2020-11-01"
SOURCE = f"tccli {TCCLI_VERSION}"

ROOT = Path(__file__).resolve().parent.parent
SPEC_REL = "spec/tcss-2020-11-01.json"
RUST_REL = "src/spec/generated.rs"
FIXTURE_REL = "fixtures/documented-examples.json"
RUST_STATIC = "TCSS_2020_11_01"

FIXTURE_ACTION = "DescribeAssetImageRegistryDetail"
FIXTURE_IDS = [5427, 3421599]

PRIMITIVES = ["string", "int64", "uint64", "float", "bool", "date", "datetime", "datetime_iso"]
RUST_KIND = {
    "string": "Kind::String",
    "int64": "Kind::Int64",
    "uint64": "Kind::Uint64",
    "float": "Kind::Float",
    "bool": "Kind::Bool",
    "date": "Kind::Date",
    "datetime": "Kind::DateTime",
    "datetime_iso": "Kind::DateTimeIso",
}
# api.json `type` -> the `member` values it may carry (None: an object name).
TYPE_MEMBERS = {
    "string": {"string", "date", "datetime", "datetime_iso"},
    "int": {"int64", "uint64"},
    "float": {"float"},
    "bool": {"bool"},
    "object": None,
    "list": set(PRIMITIVES) | {None},
}
MEMBER_KEYS = {
    "disabled", "document", "example", "member", "name",
    "output_required", "required", "type", "value_allowed_null",
}
OBJECT_KEYS = {"document", "members", "type", "usage"}
ACTION_KEYS = {"document", "input", "name", "output", "status"}
# Common request parameters that a flattened GET example may spell out; dropped
# unless the request structure itself declares a member of that name.
COMMON_PARAMS = {
    "Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature",
    "SignatureMethod", "Token", "Language", "RequestClient",
}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class SpecError(Exception):
    """The package content is not what this script understands: stop."""


class ExampleError(Exception):
    """One example cannot be normalised: drop it with a warning."""


def warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)


def info(msg: str = "") -> None:
    print(msg, file=sys.stderr)


# --------------------------------------------------------------------------- wheel


def fetch_wheel(tmp: Path) -> Path:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", f"tccli=={TCCLI_VERSION}", "-d", str(tmp),
    ]
    info("running: " + " ".join(cmd[2:]))
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    wheel = tmp / WHEEL_NAME
    if not wheel.is_file():
        raise SpecError(f"pip did not produce {WHEEL_NAME}")
    return wheel


def read_wheel(wheel: Path) -> tuple[dict, dict]:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SpecError(
            f"{wheel.name}: sha256 {digest} is not the pinned {WHEEL_SHA256} (tccli=={TCCLI_VERSION})"
        )
    with zipfile.ZipFile(wheel) as z:
        api = json.loads(z.read(API_MEMBER).decode("utf-8"))
        examples = json.loads(z.read(EXAMPLES_MEMBER).decode("utf-8"))
    return api, examples


# --------------------------------------------------------------------------- schema


def convert_member(obj: str, m: dict, object_names: set[str]) -> dict:
    extra = set(m) - MEMBER_KEYS
    if extra:
        raise SpecError(f"{obj}.{m.get('name')}: unknown member keys {sorted(extra)}")
    name, typ, mem = m["name"], m["type"], m["member"]
    if not IDENT.match(name):
        raise SpecError(f"{obj}: member name {name!r} is not an identifier")
    if typ not in TYPE_MEMBERS:
        raise SpecError(f"{obj}.{name}: unknown type {typ!r}")
    allowed = TYPE_MEMBERS[typ]
    is_obj = mem not in PRIMITIVES
    if is_obj and mem not in object_names:
        raise SpecError(f"{obj}.{name}: member {mem!r} is neither a primitive nor an object")
    if (None if is_obj else mem) not in (allowed if allowed is not None else {None}):
        raise SpecError(f"{obj}.{name}: type {typ!r} with member {mem!r}")
    flags = {}
    for key, out in (
        ("disabled", "disabled"),
        ("output_required", "output_required"),
        ("required", "required"),
        ("value_allowed_null", "nullable"),
    ):
        v = m.get(key, False)
        if not isinstance(v, bool):
            raise SpecError(f"{obj}.{name}: {key} is {v!r}, not a bool")
        flags[out] = v
    out = {"disabled": flags["disabled"]}
    if "example" in m:
        out["example"] = m["example"]
    out.update(
        {
            "list": typ == "list",
            "name": name,
            "nullable": flags["nullable"],
            "output_required": flags["output_required"],
            "required": flags["required"],
            "type": mem,
        }
    )
    return out


def build_objects(api: dict) -> dict:
    objects = api["objects"]
    names = set(objects)
    clash = names & set(PRIMITIVES)
    if clash:
        raise SpecError(f"object names clash with primitive kinds: {sorted(clash)}")
    out = {}
    for name in sorted(objects, key=str.encode):
        o = objects[name]
        if not IDENT.match(name):
            raise SpecError(f"object name {name!r} is not an identifier")
        extra = set(o) - OBJECT_KEYS
        if extra:
            raise SpecError(f"{name}: unknown object keys {sorted(extra)}")
        members = [convert_member(name, m, names) for m in o["members"]]
        seen = [m["name"] for m in members]
        if len(seen) != len(set(seen)):
            raise SpecError(f"{name}: duplicate member names")
        out[name] = {"members": members}
    return out


# --------------------------------------------------------------------------- filters

FILTER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def documented_filters(api: dict, req_obj: str) -> list[str]:
    """The filter names the documentation of a request's `Filters` member lists, in
    documented order: `<li>Name - type - ...</li>` items, `Name 可取值：a,b`, lines or
    `<br>` pieces that start with a name, or `"Name":"x"` in an inline example."""
    doc = next((m.get("document", "") for m in api["objects"][req_obj]["members"]
                if m["name"] == "Filters"), None)
    if not doc:
        return []
    found = [m.group(1) for m in re.finditer(r"<li>\s*([A-Za-z][A-Za-z0-9_.]*)\s*[-:：\s]", doc)]
    enum = re.search(r"可取值[：:]\s*([A-Za-z0-9_, ]+)", doc)
    if enum:
        found += [x.strip() for x in enum.group(1).split(",") if x.strip()]
    if not found:
        for piece in re.split(r"\n|<br\s*/?>|<p>", doc)[1:]:
            m = re.match(r"\s*([A-Za-z][A-Za-z0-9_]*)(\s*[:：-]|\s+\S)", piece)
            if m:
                found.append(m.group(1))
    if not found:
        found = re.findall(r'"Name"\s*:\s*"([A-Za-z0-9_]+)"', doc)
    if not found:
        found = re.findall(r"Name字段可取值\s*\"([A-Za-z0-9_]+)\"", doc)
    out: list[str] = []
    for name in found:
        if FILTER_NAME.fullmatch(name) and name not in out and name != "Name":
            out.append(name)
    return out


# --------------------------------------------------------------------------- examples


def no_duplicates(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        raise ExampleError(f"duplicate JSON keys {dup}")
    return dict(pairs)


def check_float(text: str) -> float:
    v = float(text)
    if repr(v) != text:
        # Python re-spells it; the value is the same, the text is not.
        warn(f"number {text} will be written as {v!r}")
    return v


def strip_comments_and_trailing_commas(text: str) -> str:
    """Remove // and /* */ comments and commas before } or ], outside strings."""
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_str = False
            i += 1
            continue
        if c == '"':
            in_str = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                i += 1  # trailing comma: drop it
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_json(text: str, what: str, notes: list[str]):
    def load(t: str):
        return json.loads(t, object_pairs_hook=no_duplicates, parse_float=check_float)

    try:
        return load(text)
    except json.JSONDecodeError as first:
        repaired = strip_comments_and_trailing_commas(text)
        if repaired != text:
            try:
                v = load(repaired)
            except json.JSONDecodeError:
                pass
            else:
                notes.append(f"{what}: repaired (comments/trailing commas removed)")
                return v
        raise ExampleError(f"{what}: not JSON ({first})") from None


def unflatten(pairs: list[tuple[str, str]]) -> dict:
    root: dict = {}
    for path, value in pairs:
        segs = path.split(".")
        if any(not s for s in segs):
            raise ExampleError(f"bad parameter name {path!r}")
        node = root
        for j, seg in enumerate(segs):
            if j == len(segs) - 1:
                if seg in node:
                    raise ExampleError(f"parameter {path!r} given twice or clashes with a nested one")
                node[seg] = value
            else:
                child = node.setdefault(seg, {})
                if not isinstance(child, dict):
                    raise ExampleError(f"parameter {path!r} clashes with a scalar one")
                node = child

    def convert(node, path: str):
        if not isinstance(node, dict):
            return node
        keys = list(node)
        numeric = [k.isdigit() for k in keys]
        if keys and all(numeric):
            by_index = {int(k): k for k in keys}
            if len(by_index) != len(keys) or sorted(by_index) != list(range(len(keys))):
                raise ExampleError(f"{path or 'top level'}: list indexes {sorted(by_index)} are not 0..n-1")
            return [convert(node[by_index[i]], f"{path}.{i}") for i in range(len(keys))]
        if any(numeric):
            raise ExampleError(f"{path or 'top level'}: mixes list indexes and names")
        return {k: convert(v, f"{path}.{k}" if path else k) for k, v in node.items()}

    out = convert(root, "")
    if not isinstance(out, dict):
        raise ExampleError("flattened parameters form a list at the top level")
    return out


def parse_flattened(text: str, declared: set[str], notes: list[str]) -> dict:
    body = text.strip()
    first, _, rest = body.partition("\n")
    if re.match(r"(https?://|GET |/)", first):
        q = first.find("?")
        first = first[q + 1:] if q >= 0 else ""
        body = first + "\n" + rest
    pairs = []
    for tok in re.split(r"[&\n]", body):
        tok = tok.strip()
        if not tok or (tok.startswith("<") and tok.endswith(">")):
            continue  # blank, or a placeholder such as <公共请求参数>
        if re.match(r"[A-Za-z-]+: ", tok):
            continue  # an HTTP header line
        name, eq, value = tok.partition("=")
        if not eq:
            raise ExampleError(f"flattened token {tok!r} has no '='")
        name = name.strip()
        raw = value
        value = value.strip()
        if value != raw:
            notes.append(f"{name}: value {raw!r} trimmed to {value!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]  # Tencent writes some values in quotes
        if re.search(r"%[0-9A-Fa-f]{2}", value):
            notes.append(f"{name}: value {value!r} looks percent-encoded; kept as written")
        if name.split(".")[0] in COMMON_PARAMS and name.split(".")[0] not in declared:
            continue
        pairs.append((name, value))
    return unflatten(pairs)


def parse_request(action: str, text: str, declared: set[str], notes: list[str]) -> tuple[dict, bool]:
    """Return (request object, whether it was in flattened GET form)."""
    stripped = text.lstrip()
    if stripped.startswith("POST ") or stripped.startswith("{"):
        if stripped.startswith("{"):
            head, body = "", stripped
        else:
            head, sep, body = stripped.partition("\n\n")
            if not sep:
                head, body = stripped, ""
        m = re.search(r"^X-TC-Action:\s*(\S+)\s*$", head, re.M)
        if head and m and m.group(1) != action:
            raise ExampleError(f"X-TC-Action is {m.group(1)!r}")
        body = body.strip()
        req = parse_json(body, "request", notes) if body else {}
        if not isinstance(req, dict):
            raise ExampleError("request body is not a JSON object")
        return req, False
    m = re.search(r"[?&\s]Action=([^&\s]+)", stripped)
    if m and m.group(1).strip("\"'") != action:
        raise ExampleError(f"Action is {m.group(1)!r}")
    return parse_flattened(stripped, declared, notes), True


def parse_response(text: str, notes: list[str]) -> dict:
    doc = parse_json(text, "response", notes)
    if not isinstance(doc, dict) or not isinstance(doc.get("Response"), dict):
        raise ExampleError("response is not {\"Response\": {...}}")
    if len(doc) != 1:
        notes.append(f"response has keys beside Response: {sorted(set(doc) - {'Response'})}")
    resp = dict(doc["Response"])
    if "Error" in resp:
        raise ExampleError("response is an error")
    resp.pop("RequestId", None)
    return resp


# --------------------------------------------------------------------------- checks


def json_kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    return "object"


def expected_kind(t: str) -> str:
    if t in ("string", "date", "datetime", "datetime_iso"):
        return "string"
    if t in ("int64", "uint64", "float"):
        return "number"
    if t == "bool":
        return "bool"
    return "object"


INT_STR = re.compile(r"-?[0-9]+\Z")
FLOAT_STR = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


class Issues:
    def __init__(self) -> None:
        self.missing: list[str] = []  # response: member absent (output_required only)
        self.missing_optional: list[str] = []  # response: optional member absent
        self.missing_required: list[str] = []  # request: required member absent
        self.undeclared: list[str] = []
        self.wrong: list[str] = []  # wrong JSON type, not a coercible string
        self.coercible: list[str] = []  # digit string for a number
        self.bool_strings: list[str] = []  # "true"/"false" string for a bool
        self.null_not_nullable: list[str] = []


def check_value(objects: dict, m: dict, v, path: str, side: str, iss: Issues) -> None:
    if m["list"]:
        if v is None:
            if not (side == "out" and m["nullable"]):
                iss.null_not_nullable.append(path)
            return
        if not isinstance(v, list):
            iss.wrong.append(f"{path}: expected list of {m['type']}, got {json_kind(v)} {short(v)}")
            return
        for i, e in enumerate(v):
            check_scalar(objects, m["type"], m["nullable"], e, f"{path}[{i}]", side, iss)
        return
    check_scalar(objects, m["type"], m["nullable"], v, path, side, iss)


def check_scalar(objects: dict, t: str, nullable: bool, v, path: str, side: str, iss: Issues) -> None:
    want, got = expected_kind(t), json_kind(v)
    if got == "null":
        if not (side == "out" and nullable):
            iss.null_not_nullable.append(path)
        return
    if want == "object" and got == "object":
        check_object(objects, t, v, path, side, iss)
        return
    if want == got:
        return
    if want == "number" and got == "string":
        pat = FLOAT_STR if t == "float" else INT_STR
        if pat.match(v):
            iss.coercible.append(f"{path}: {t} given as string {short(v)}")
            return
    if want == "bool" and got == "string" and v in ("true", "false"):
        iss.bool_strings.append(f"{path}: bool given as string {short(v)}")
        return
    iss.wrong.append(f"{path}: expected {t}, got {got} {short(v)}")


def check_object(objects: dict, name: str, v: dict, path: str, side: str, iss: Issues) -> None:
    members = objects[name]["members"]
    declared = {m["name"] for m in members}
    prefix = f"{path}." if path else ""
    for m in members:
        if side == "out" and not path and m["name"] == "RequestId":
            continue  # dropped from every example response on purpose
        p = prefix + m["name"]
        if m["name"] not in v:
            if side == "in":
                if m["required"]:
                    iss.missing_required.append(p)
            elif m["output_required"]:
                iss.missing.append(p)
            else:
                iss.missing_optional.append(p)
            continue
        check_value(objects, m, v[m["name"]], p, side, iss)
    for k in v:
        if k not in declared:
            iss.undeclared.append(f"{prefix}{k} (not in {name})")


def short(v) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 60 else s[:57] + "..."


# --------------------------------------------------------------------------- build


def build_spec(api: dict, examples: dict, verbose: bool) -> dict:
    if api.get("metadata", {}).get("apiVersion") != VERSION:
        raise SpecError(f"api.json is for version {api.get('metadata', {}).get('apiVersion')!r}")
    objects = build_objects(api)
    ex_actions = examples["actions"]
    missing_ex = sorted(set(api["actions"]) - set(ex_actions))
    extra_ex = sorted(set(ex_actions) - set(api["actions"]))
    if extra_ex:
        warn(f"examples.json has examples for unknown actions {extra_ex}; ignored")

    stats = {"kept": 0, "dropped": 0, "get": 0, "get_actions": set(), "repaired": 0}
    resp_missing, resp_missing_opt, resp_wrong, resp_undeclared, resp_null = [], [], [], [], []
    req_report: dict[str, list[str]] = {
        "undeclared": [], "missing_required": [], "wrong": [], "null": [],
        "coercible_post": [], "bool_post": [], "coercible_get": [], "bool_get": [],
    }
    notes_all: list[str] = []
    actions = {}
    for name in sorted(api["actions"], key=str.encode):
        a = api["actions"][name]
        extra = set(a) - ACTION_KEYS
        if extra:
            raise SpecError(f"action {name}: unknown keys {sorted(extra)}")
        if not IDENT.match(name) or a.get("name") is None:
            raise SpecError(f"action {name!r}: bad name")
        if a["status"] not in ("online", "deprecated"):
            raise SpecError(f"action {name}: unknown status {a['status']!r}")
        for side in ("input", "output"):
            if a[side] not in objects:
                raise SpecError(f"action {name}: {side} {a[side]!r} is not an object")
        req_obj, resp_obj = a["input"], a["output"]
        declared = {m["name"] for m in objects[req_obj]["members"]}
        kept = []
        for i, ex in enumerate(ex_actions.get(name, [])):
            label = f"{name} #{i}"
            notes: list[str] = []
            try:
                req, is_get = parse_request(name, ex["input"], declared, notes)
                resp = parse_response(ex["output"], notes)
            except ExampleError as e:
                warn(f"dropping example {label}: {e}")
                stats["dropped"] += 1
                continue
            for n in notes:
                notes_all.append(f"{label}: {n}")
                if "repaired" in n:
                    stats["repaired"] += 1
            stats["kept"] += 1
            if is_get:
                stats["get"] += 1
                stats["get_actions"].add(name)
            kept.append({"request": req, "response": resp})

            ri = Issues()
            check_object(objects, req_obj, req, "", "in", ri)
            form = "GET" if is_get else "POST"
            for p in ri.undeclared:
                req_report["undeclared"].append(f"{label} [{form}] {p}")
            for p in ri.missing_required:
                req_report["missing_required"].append(f"{label} [{form}] {p}")
            for p in ri.wrong:
                req_report["wrong"].append(f"{label} [{form}] {p}")
            for p in ri.null_not_nullable:
                req_report["null"].append(f"{label} [{form}] {p}: null")
            key = "get" if is_get else "post"
            for p in ri.coercible:
                req_report[f"coercible_{key}"].append(f"{label} [{form}] {p}")
            for p in ri.bool_strings:
                req_report[f"bool_{key}"].append(f"{label} [{form}] {p}")

            oi = Issues()
            check_object(objects, resp_obj, resp, "", "out", oi)
            for store, items in (
                (resp_missing, oi.missing),
                (resp_missing_opt, oi.missing_optional),
                (resp_wrong, oi.wrong + oi.coercible + oi.bool_strings),
                (resp_undeclared, oi.undeclared),
                (resp_null, oi.null_not_nullable),
            ):
                if items:
                    store.append((label, items))
        actions[name] = {
            "deprecated": a["status"] == "deprecated",
            "examples": kept,
            "input": req_obj,
            "output": resp_obj,
        }
        filters = documented_filters(api, req_obj)
        if filters:
            actions[name]["filters"] = filters

    spec = {
        "actions": actions,
        "objects": objects,
        "service": SERVICE,
        "source": SOURCE,
        "version": VERSION,
    }

    # ---- summary
    n_members = sum(len(o["members"]) for o in objects.values())
    info("")
    info(f"== tcss {VERSION} from {SOURCE}")
    info(f"actions: {len(actions)} ({sum(a['deprecated'] for a in actions.values())} deprecated), "
         f"objects: {len(objects)}, members: {n_members}")
    no_ex = [n for n, a in actions.items() if not a["examples"]]
    info(f"examples: {stats['kept']} kept, {stats['dropped']} dropped, {stats['repaired']} repaired; "
         f"actions without any example: {len(no_ex)}{' ' + str(no_ex) if no_ex else ''}"
         f"{'; not in examples.json: ' + str(missing_ex) if missing_ex else ''}")
    info(f"GET-form (flattened) requests: {stats['get']} examples in {len(stats['get_actions'])} actions")
    for n in notes_all:
        info(f"  note: {n}")
    info("")
    info("-- example responses vs output schema")
    def resp_line(title, entries, show):
        info(f"{title}: {len(entries)} responses, {sum(len(x) for _, x in entries)} occurrences")
        if show:
            for label, items in entries:
                for p in items:
                    info(f"  {label}: {p}")
    resp_line("lack an output_required member", resp_missing, verbose)
    resp_line("lack an optional member", resp_missing_opt, verbose)
    resp_line("carry a value of the wrong JSON type", resp_wrong, True)
    resp_line("carry null for a non-nullable member", resp_null, verbose)
    resp_line("carry a member not in the schema", resp_undeclared, verbose)
    either = {l for l, _ in resp_missing + resp_missing_opt + resp_wrong}
    info(f"responses lacking a member or with a wrong type (union): {len(either)} of {stats['kept']}")
    info("")
    info("-- example requests vs request schema")
    titles = [
        ("undeclared", "members NOT declared in the request schema"),
        ("missing_required", "required members missing"),
        ("wrong", "values of the wrong JSON type (not a digit/bool string)"),
        ("null", "null values"),
        ("coercible_post", "numbers written as digit strings in JSON bodies"),
        ("bool_post", "bools written as \"true\"/\"false\" strings in JSON bodies"),
        ("coercible_get", "numbers as digit strings in GET-form examples (expected: GET values are strings)"),
        ("bool_get", "bools as \"true\"/\"false\" strings in GET-form examples"),
    ]
    for key, title in titles:
        items = req_report[key]
        info(f"{title}: {len(items)}")
        if key != "coercible_get" or verbose:
            for p in items:
                info(f"  {p}")
    info("")
    return spec


def build_fixture(spec: dict) -> dict:
    exs = spec["actions"][FIXTURE_ACTION]["examples"]
    records = []
    for ex in exs:
        rid = ex["request"].get("Id")
        if isinstance(rid, str) and INT_STR.match(rid):
            rid = int(rid)
        if not isinstance(rid, int) or isinstance(rid, bool):
            raise SpecError(f"{FIXTURE_ACTION}: example request Id {rid!r} is not an integer")
        if "Id" in ex["response"]:
            raise SpecError(f"{FIXTURE_ACTION}: example response already has an Id")
        records.append({"Id": rid, **ex["response"]})
    ids = [r["Id"] for r in records]
    if ids != FIXTURE_IDS:
        raise SpecError(f"{FIXTURE_ACTION}: example Ids {ids}, expected {FIXTURE_IDS}")
    return {"images": records}


# --------------------------------------------------------------------------- writers


def inline(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def dump_spec(spec: dict) -> str:
    """Indent-1 JSON with sorted keys; one member per line; example payloads on one
    line each, in documented key order."""
    q = inline
    out = ["{"]
    top = sorted(spec)
    for ti, key in enumerate(top):
        tcomma = "," if ti < len(top) - 1 else ""
        if key == "actions":
            out.append(' "actions": {')
            names = sorted(spec["actions"])
            for ai, name in enumerate(names):
                a = spec["actions"][name]
                out.append(f"  {q(name)}: {{")
                out.append(f'   "deprecated": {q(a["deprecated"])},')
                if a["examples"]:
                    out.append('   "examples": [')
                    for ei, ex in enumerate(a["examples"]):
                        out.append("    {")
                        out.append(f'     "request": {q(ex["request"])},')
                        out.append(f'     "response": {q(ex["response"])}')
                        out.append("    }" + ("," if ei < len(a["examples"]) - 1 else ""))
                    out.append("   ],")
                else:
                    out.append('   "examples": [],')
                if a.get("filters"):
                    out.append(f'   "filters": {q(a["filters"])},')
                out.append(f'   "input": {q(a["input"])},')
                out.append(f'   "output": {q(a["output"])}')
                out.append("  }" + ("," if ai < len(names) - 1 else ""))
            out.append(" }" + tcomma)
        elif key == "objects":
            out.append(' "objects": {')
            names = sorted(spec["objects"])
            for oi, name in enumerate(names):
                members = spec["objects"][name]["members"]
                out.append(f"  {q(name)}: {{")
                if members:
                    out.append('   "members": [')
                    for mi, m in enumerate(members):
                        mm = {k: m[k] for k in sorted(m)}
                        out.append(f"    {q(mm)}" + ("," if mi < len(members) - 1 else ""))
                    out.append("   ]")
                else:
                    out.append('   "members": []')
                out.append("  }" + ("," if oi < len(names) - 1 else ""))
            out.append(" }" + tcomma)
        else:
            out.append(f" {q(key)}: {q(spec[key])}{tcomma}")
    out.append("}")
    return "\n".join(out) + "\n"


def raw_str(s: str) -> str:
    if "\r" in s:
        raise SpecError("a bare carriage return cannot go into a Rust raw string")
    hashes = 1
    while '"' + "#" * hashes in s:
        hashes += 1
    h = "#" * hashes
    return f'r{h}"{s}"{h}'


def compact(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def gen_rust(spec: dict) -> str:
    if (spec.get("service"), spec.get("version")) != (SERVICE, VERSION):
        raise SpecError("spec JSON is not tcss 2020-11-01")
    obj_names = sorted(spec["objects"], key=str.encode)
    if len(obj_names) > 0xFFFF:
        raise SpecError("too many objects for u16 indexes")
    index = {n: i for i, n in enumerate(obj_names)}
    for n in obj_names + list(spec["actions"]):
        if not IDENT.match(n):
            raise SpecError(f"name {n!r} is not an identifier")

    def kind(t: str) -> str:
        if t in RUST_KIND:
            return RUST_KIND[t]
        if t not in index:
            raise SpecError(f"unknown type {t!r}")
        return f"Kind::Object({index[t]})"

    def flags(m: dict) -> str:
        fs = [f for f, on in (
            ("LIST", m["list"]),
            ("REQ", m["required"]),
            ("OUT", m["output_required"]),
            ("NULL", m["nullable"]),
            ("DIS", m["disabled"]),
        ) if on]
        return " | ".join(fs) if fs else "0"

    o = [
        f"// @generated by scripts/gen-spec.py from {SPEC_REL}. Do not edit.",
        "//",
        f"// {len(spec['actions'])} actions and {len(obj_names)} objects of {SERVICE} {VERSION} ({spec['source']}).",
        "// Regenerate with `python3 scripts/gen-spec.py --from-json`.",
        "",
        "use super::types::*;",
        "",
        "// `Member` flags, to keep the tables short.",
        "const LIST: u8 = 1;",
        "const REQ: u8 = 2;",
        "const OUT: u8 = 4;",
        "const NULL: u8 = 8;",
        "const DIS: u8 = 16;",
        "",
        "const fn m(name: &'static str, kind: Kind, flags: u8) -> Member {",
        "    Member {",
        "        name,",
        "        kind,",
        "        list: (flags & LIST) != 0,",
        "        required: (flags & REQ) != 0,",
        "        output_required: (flags & OUT) != 0,",
        "        nullable: (flags & NULL) != 0,",
        "        disabled: (flags & DIS) != 0,",
        "    }",
        "}",
        "",
        f"pub static {RUST_STATIC}: Service = Service {{",
        f'    name: "{SERVICE}",',
        f'    version: "{VERSION}",',
        "    actions: &[",
    ]
    for name in sorted(spec["actions"], key=str.encode):
        a = spec["actions"][name]
        head = (
            f'        Action {{ name: "{name}", deprecated: {str(a["deprecated"]).lower()}, '
            f'input: {index[a["input"]]}, output: {index[a["output"]]}, '
            f'filters: &[{", ".join(chr(34) + f + chr(34) for f in a.get("filters", []))}], examples: &['
        )
        if not a["examples"]:
            o.append(head + "] },")
            continue
        o.append(head)
        for ex in a["examples"]:
            o.append("            Example {")
            o.append(f"                request: {raw_str(compact(ex['request']))},")
            o.append(f"                response: {raw_str(compact(ex['response']))},")
            o.append("            },")
        o.append("        ] },")
    o.append("    ],")
    o.append("    objects: &[")
    for i, name in enumerate(obj_names):
        members = spec["objects"][name]["members"]
        head = f'        /* {i} */ Object {{ name: "{name}", members: &['
        if not members:
            o.append(head + "] },")
            continue
        o.append(head)
        for m in members:
            if not IDENT.match(m["name"]):
                raise SpecError(f"{name}: member name {m['name']!r} is not an identifier")
            o.append(f'            m("{m["name"]}", {kind(m["type"])}, {flags(m)}),')
        o.append("        ] },")
    o.append("    ],")
    o.append("};")
    return "\n".join(o) + "\n"


def write(rel: str, text: str) -> None:
    path = ROOT / rel
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        info(f"unchanged {rel} ({len(data)} bytes)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    info(f"wrote {rel} ({len(data)} bytes)")


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--from-json", action="store_true",
                   help=f"only regenerate {RUST_REL} from {SPEC_REL} (no network)")
    g.add_argument("--wheel", type=Path, metavar="PATH",
                   help=f"use this {WHEEL_NAME} instead of downloading it")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list every response mismatch and GET-form coercion too")
    args = ap.parse_args()

    try:
        if args.from_json:
            spec = json.loads((ROOT / SPEC_REL).read_text(encoding="utf-8"))
            write(RUST_REL, gen_rust(spec))
            return 0

        if args.wheel:
            api, examples = read_wheel(args.wheel)
        else:
            with tempfile.TemporaryDirectory(prefix="gen-spec-") as tmp:
                api, examples = read_wheel(fetch_wheel(Path(tmp)))

        spec = build_spec(api, examples, args.verbose)
        text = dump_spec(spec)
        # Everything downstream is made from the JSON as written, so --from-json
        # reproduces generated.rs byte for byte.
        reread = json.loads(text)
        if reread != spec or dump_spec(reread) != text:
            raise SpecError("spec JSON does not round-trip")
        fixture = build_fixture(reread)
        write(SPEC_REL, text)
        write(RUST_REL, gen_rust(reread))
        write(FIXTURE_REL, json.dumps(fixture, ensure_ascii=False, indent=2) + "\n")
        return 0
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
