#!/usr/bin/env python3
"""Every tracked C/C++ source lives where a build target picks it up.

    tools/check_layout.py [--root DIR]

Sources belong under src/<area>/ (the areas listed in GOOP_AREAS in src/CMakeLists.txt, which
also fails the configure step on a stray file under src/), tests/, bench/ or fuzz/. Anything else
(a stray pages.cpp at the top of the tree) is compiled by nothing and misleads readers. Prints
one line per stray file and exits 1 if there is any.
"""

import argparse
import os
import re
import subprocess
import sys

SOURCE_EXT = (".cpp", ".hpp", ".cc", ".c", ".h", ".ipp")
OUTSIDE_SRC = ("tests/", "bench/", "fuzz/")


def areas(root):
    with open(os.path.join(root, "src", "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"set\(GOOP_AREAS([^)]*)\)", f.read())
    if not m:
        sys.exit("check_layout: src/CMakeLists.txt no longer sets GOOP_AREAS")
    return set(m.group(1).split())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    root = os.path.abspath(ap.parse_args().root)
    known = areas(root)
    files = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True, capture_output=True,
                           text=True).stdout.split("\0")
    stray = []
    for path in files:
        if not path.endswith(SOURCE_EXT) or path.startswith(OUTSIDE_SRC):
            continue
        parts = path.split("/")
        if len(parts) >= 3 and parts[0] == "src" and parts[1] in known:
            continue
        stray.append(path)
    for path in stray:
        where = ("src/ areas are " + ", ".join(sorted(known))) if path.startswith("src/") else \
            "sources live under src/<area>/, tests/, bench/ or fuzz/"
        print(f"{path}: a source outside the known folders ({where})")
    return 1 if stray else 0


if __name__ == "__main__":
    sys.exit(main())
