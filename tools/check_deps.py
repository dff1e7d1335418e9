#!/usr/bin/env python3
"""Include-boundary lint: the dependency table of STYLE.md §2, checked on every tracked source.

    tools/check_deps.py [--root DIR]

Prints one line per violation, `file:line: includes "x" — <rule>`, and exits 1 if there is any.

The area of a file is its first folder under src/ (base, p2p, storage, lua, web, goop, viewer,
rendezvous, app, testing, boost_impl). An include "a/..." (resolved against the including file's
folder first, then against src/) may name only the areas its own area may depend on:

    base, boost_impl, testing  -> base
    p2p, storage, lua, web     -> base
    goop                       -> p2p, storage, base   (goop/scripting/ also lua)
    viewer                     -> goop, web, p2p, base
    rendezvous                 -> goop, p2p, web, storage, base
    app                        -> everything

(rendezvous -> storage is intended and not in STYLE.md's table: the rendezvous server keeps its
peer database in SQLite through storage::Db, as goop's modules do.) Test code (`*_test.cpp`,
`test_*` files, anything under a `testing/` folder, `*testkit*`) may in addition include the
test support (`testing/`, `<area>/testing/`, test-named headers) of every area its own area may
use; code that is not test code includes no test support. Files under tests/, bench/ and fuzz/
may include every area but app. Third-party headers have one owner each: <boost/beast...> only in
src/web, <sqlite3.h> only in src/storage, <lua.h>/<lauxlib.h>/<lualib.h>/<lua.hpp> only in
src/lua. Nothing outside src/app includes app/.
"""

import argparse
import os
import re
import subprocess
import sys

AREAS = {"base", "boost_impl", "testing", "p2p", "storage", "lua", "web", "goop", "viewer",
         "rendezvous", "app"}

# area -> the areas it may include (besides itself).
ALLOWED = {
    "base": {"base"},
    "boost_impl": {"base"},
    "testing": {"base"},
    "p2p": {"base"},
    "storage": {"base"},
    "lua": {"base"},
    "web": {"base"},
    "goop": {"p2p", "storage", "base"},
    "viewer": {"goop", "web", "p2p", "base"},
    "rendezvous": {"goop", "p2p", "web", "storage", "base"},
    "app": set(AREAS),
}
for _area, _deps in ALLOWED.items():
    _deps.add(_area)

RULE_TEXT = {
    "base": "base includes only base",
    "boost_impl": "boost_impl includes only base",
    "testing": "src/testing (test support) includes only base",
    "p2p": "p2p includes only base (it is a library of its own)",
    "storage": "storage includes only base",
    "lua": "lua includes only base",
    "web": "web includes only base",
    "goop": "goop includes only p2p, storage and base (goop/scripting/ also lua)",
    "viewer": "viewer includes only goop, web, p2p and base",
    "rendezvous": "rendezvous includes only goop, p2p, web, storage and base",
}

# Third-party headers with a single owning area.
OWNED = [
    (re.compile(r"^boost/beast(/|\.hpp$)"), "web", "Beast is included only in src/web"),
    (re.compile(r"^sqlite3\.h$"), "storage", "sqlite3.h is included only in src/storage"),
    (re.compile(r"^(lua\.h|lauxlib\.h|lualib\.h|lua\.hpp)$"), "lua",
     "Lua headers are included only in src/lua"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
TOP_FREE = ("tests/", "bench/", "fuzz/")
# A line ending in this comment is exempt; say why after it.
ALLOW_MARK = "// check: deps-ok"


def is_test_file(path):
    name = os.path.basename(path)
    return (name.endswith(("_test.cpp", "_test.hpp")) or name.startswith("test_")
            or "testkit" in name or "/testing/" in path or path.startswith(("src/testing/", "tests/")))


def area_of(path):
    """The area of a path relative to the root, or None outside src/."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "src":
        return parts[1]
    return None


def resolve(root, including, target):
    """The repository path an #include "target" names: the including file's folder first, then
    src/. Returns None for headers outside the repository."""
    here = os.path.normpath(os.path.join(os.path.dirname(including), target))
    if not here.startswith("..") and os.path.isfile(os.path.join(root, here)):
        return here
    in_src = os.path.normpath(os.path.join("src", target))
    if os.path.isfile(os.path.join(root, in_src)):
        return in_src
    # A generated or not yet written header: judge it by its first folder.
    first = target.split("/")[0]
    if first in AREAS and "/" in target:
        return in_src
    return None


def test_support_area(path):
    """For test support under src/ (src/testing/..., src/<a>/testing/..., a test-named file of
    src/<a>), the area whose test support it is; None for anything else."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "src" and is_test_file(path):
        return "base" if parts[1] == "testing" else parts[1]
    return None


def check_file(root, path, out):
    area = area_of(path)
    top_free = path.startswith(TOP_FREE)
    if area is None and not top_free:
        return
    test = is_test_file(path)
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return
    for n, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if not m or ALLOW_MARK in line:
            continue
        kind, target = m.group(1), m.group(2)
        for pattern, owner, rule in OWNED:
            if pattern.match(target) and area != owner:
                out.append(f'{path}:{n}: includes "{target}" — {rule}')
        if kind == "<":
            continue
        dep = resolve(root, path, target)
        if dep is None:
            continue
        dep_area = area_of(dep)
        if dep_area is None:
            continue
        if dep_area == "app" and area != "app":
            out.append(f'{path}:{n}: includes "{target}" — nothing outside src/app includes app/')
            continue
        support = test_support_area(dep)
        if support is not None and not test and not top_free:
            out.append(f'{path}:{n}: includes "{target}" — only test code includes test support')
            continue
        if top_free or area == "app":
            continue
        allowed = set(ALLOWED.get(area, ()))
        if area == "goop" and path.startswith("src/goop/scripting/"):
            allowed.add("lua")
        if dep_area in allowed:
            continue
        if test and support is not None and (support in allowed or support == "base"):
            continue
        if test and support is not None:
            rule = (f"test code of {area} may include the test support only of "
                    f"{', '.join(sorted(allowed))}")
        else:
            rule = RULE_TEXT.get(area, f"{area} may not include {dep_area}")
        out.append(f'{path}:{n}: includes "{target}" — {rule}')


def tracked_sources(root):
    res = subprocess.run(["git", "-C", root, "ls-files", "-z", "--", "*.cpp", "*.hpp", "*.h",
                          "*.cc", "*.ipp"], check=True, capture_output=True, text=True)
    return [p for p in res.stdout.split("\0") if p]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    out = []
    for path in tracked_sources(root):
        check_file(root, path, out)
    for line in out:
        print(line)
    if out:
        print(f"check_deps: {len(out)} include(s) break the dependency rules of STYLE.md §2",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
