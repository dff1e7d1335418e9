#!/usr/bin/env python3
"""Guard against braced initialisers in statements that contain co_await.

    tools/check_coawait.py [--root DIR] [FILE...]

GCC 12 miscompiles coroutine statements in which a braced initialiser list creates temporaries
whose lifetime is extended across the suspension (initializer_list backing arrays, aggregate
initialisation: `co_await f({std::string(p)})`, `co_await g(T{a, b})`,
`auto x = T{a, co_await b}`): destructors run twice or never. The rule: build the value in a
named variable first, then co_await.

Checked: every statement that contains `co_await` (outside lambda bodies nested in it) must not
contain a non-empty braced initialiser (`T{...}`, `{a, b}`, `std::vector<U>{...}`, `= {...}`).
An empty `{}` is value-initialisation, creates no element temporaries and is allowed. Lambda
bodies, blocks (`if (co_await x) {`) and the statements inside them are judged on their own.

A false positive is accepted with a comment on the statement's first line, or on the line of the
brace: `// check: braced-ok <reason>`.

Prints `file:line: braced initialiser in a co_await statement (line N): <statement>` for each
finding and exits 1 if there is any.
"""

import argparse
import os
import re
import subprocess
import sys

ALLOW_MARK = "check: braced-ok"

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\.?[0-9](?:[0-9A-Za-z_.']|[eEpP][+-])*)
  | (?P<op>::|->|\.\.\.|<<=|>>=|&&|\|\||[-+*/%^&|=!<>]=|\+\+|--|<<|[{}()\[\];,.:?~!+\-*/%^&|=<>#])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# Tokens after which `{` opens a block (function/lambda body, control statement), not a list.
BLOCK_AFTER = {")", ";", "{", "}", "]", "else", "do", "try", "mutable", "noexcept", "const",
               "override", "final", ":", "STR", "extern", "constexpr"}
DECL_KEYWORDS = {"namespace", "class", "struct", "union", "enum"}
TYPE_TOKENS = {"::", "<", ">", "*", "&", "&&", ",", "const", "typename", "template"}


def strip(text):
    """Returns text with comments, string and character literals and preprocessor lines
    replaced by spaces (newlines kept, so line numbers stay right). A string literal becomes the
    token STR."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # Preprocessor line (with continuations).
            j = i
            while j < n:
                if text[j] == "\n" and text[j - 1] != "\\":
                    break
                j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if c == "\n":
            line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and (i == 0 or not (
                text[i - 1].isalnum() or text[i - 1] == "_")) or (
                c in "uUL8" and re.match(r'(u8|u|U|L)R"', text[i:i + 4])):
            m = re.match(r'(?:u8|u|U|L)?R"([^()\\ ]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i + m.end())
            j = n if end < 0 else end + len(m.group(1)) + 2
            body = re.sub(r"[^\n]", " ", text[i:j])
            out.append("STR" + body[3:] if len(body) >= 3 else body)
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")  # digit separator 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            lit = re.sub(r"[^\n]", " ", text[i:j])
            out.append(("STR" + lit[3:]) if c == '"' and len(lit) >= 3 else ("0" + lit[1:]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokenize(text):
    toks = []
    line = 1
    for m in TOKEN.finditer(text):
        s = m.group(0)
        if m.lastgroup != "ws":
            toks.append((s, line))
        line += s.count("\n")
    return toks


def skip_type_back(toks, j):
    """From index j (last token of a would-be type name), the index just before that type."""
    depth = 0
    while j >= 0:
        t = toks[j][0]
        if t == ">":
            depth += 1
        elif t == "<":
            depth -= 1
        elif depth == 0 and not (t in TYPE_TOKENS or re.match(r"[A-Za-z_]", t)):
            break
        j -= 1
    return j


def classify_brace(toks, i, parent_kind):
    """'block' or 'init' for the `{` at index i."""
    if parent_kind == "init":
        return "init"
    prev = toks[i - 1][0] if i > 0 else ";"
    if prev in BLOCK_AFTER:
        return "block"
    # Trailing return type: `-> T {` is a body.
    j = skip_type_back(toks, i - 1)
    if j >= 0 and toks[j][0] == "->":
        return "block"
    # class/struct/namespace/enum head.
    k = i - 1
    while k >= 0 and toks[k][0] not in (";", "{", "}", "=", "(", ")"):
        if toks[k][0] in DECL_KEYWORDS:
            return "block"
        k -= 1
    return "init"


def check_text(path, text, raw_lines, out):
    toks = tokenize(strip(text))
    # Frames: (kind, open index). Block frames hold statements.
    stack = [("block", -1)]
    # For each token: index of its statement's first token (within its innermost block frame)
    # and the id (open index) of that block frame.
    stmt_start = [0]  # per block frame on the stack: index of current statement start
    block_of = [None] * len(toks)
    start_of = [0] * len(toks)
    brace_kind = {}
    statements = []  # (start, end) token ranges of statements containing co_await
    has_await = [False]

    def end_statement(end):
        if has_await[-1]:
            statements.append((stmt_start[-1], end))
        has_await[-1] = False

    for i, (t, _) in enumerate(toks):
        kind = stack[-1][0]
        innermost_block = next(k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == "block")
        block_of[i] = stack[innermost_block][1]
        start_of[i] = stmt_start[-1]
        if t == "co_await":
            has_await[-1] = True
        if t == "{":
            bk = classify_brace(toks, i, kind)
            brace_kind[i] = bk
            if bk == "block":
                if kind == "block":
                    end_statement(i)
                stack.append(("block", i))
                stmt_start.append(i + 1)
                has_await.append(False)
            else:
                stack.append(("init", i))
        elif t in "([":
            stack.append(("paren", i))
        elif t in ")]":
            if len(stack) > 1 and stack[-1][0] == "paren":
                stack.pop()
        elif t == "}":
            if len(stack) > 1:
                if stack[-1][0] == "block":
                    end_statement(i)
                    stack.pop()
                    stmt_start.pop()
                    has_await.pop()
                    if stack[-1][0] == "block":
                        stmt_start[-1] = i + 1
                else:
                    stack.pop()
        elif t == ";" and kind == "block":
            end_statement(i)
            stmt_start[-1] = i + 1

    for start, end in statements:
        block = block_of[start] if start < len(toks) else None
        for i in range(start, min(end, len(toks))):
            if toks[i][0] != "{" or brace_kind.get(i) != "init" or block_of[i] != block:
                continue
            if i + 1 < len(toks) and toks[i + 1][0] == "}":
                continue  # `{}`: value-initialisation
            first_line = toks[start][1]
            brace_line = toks[i][1]
            marks = (raw_lines[first_line - 1], raw_lines[brace_line - 1],
                     raw_lines[first_line - 2] if first_line >= 2 else "")
            if any(ALLOW_MARK in m for m in marks):
                continue
            await_line = next(toks[k][1] for k in range(start, end) if toks[k][0] == "co_await")
            snippet = " ".join(raw_lines[first_line - 1:toks[end - 1][1]]).strip()
            snippet = re.sub(r"\s+", " ", snippet)
            if len(snippet) > 120:
                snippet = snippet[:117] + "..."
            out.append(f"{path}:{brace_line}: braced initialiser in a co_await statement "
                       f"(co_await on line {await_line}): {snippet}")


def tracked_sources(root):
    res = subprocess.run(["git", "-C", root, "ls-files", "-z", "--", "*.cpp", "*.hpp", "*.h",
                          "*.cc", "*.ipp"], check=True, capture_output=True, text=True)
    return [p for p in res.stdout.split("\0") if p]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    files = args.files or tracked_sources(root)
    out = []
    for path in files:
        full = path if os.path.isabs(path) else os.path.join(root, path)
        try:
            with open(full, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if "co_await" not in text:
            continue
        check_text(path, text, text.split("\n"), out)
    for line in out:
        print(line)
    sys.stdout.flush()
    if out:
        print(f"check_coawait: {len(out)} braced initialiser(s) in co_await statements; build the "
              "value in a named variable first (GCC 12 miscompiles these), or mark a false "
              f"positive with `// {ALLOW_MARK} <reason>`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
