#!/usr/bin/env python3
"""Tests of the `make check` checkers, on small made-up trees (python3 -m unittest)."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import check_coawait  # noqa: E402
import check_deps  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))


def coawait_findings(code):
    out = []
    check_coawait.check_text("t.cpp", code, code.split("\n"), out)
    return [int(line.split(":")[1]) for line in out]


class CoawaitTest(unittest.TestCase):
    def test_flags_braced_lists_in_co_await_statements(self):
        code = """asio::awaitable<void> f() {
  auto a = co_await g({std::string(p)});
  co_await h(T{a, b});
  co_await k(std::vector<std::string>{"a"});
  auto z = Foo{a,
               co_await b};
  GOOP_CO_TRY(auto x, co_await f(a, {1, 2}));
  auto l = [&]() -> asio::awaitable<int> { co_return co_await q({1}); };
}"""
        self.assertEqual(coawait_findings(code), [2, 3, 4, 5, 7, 8])

    def test_accepts_named_values_blocks_lambdas_and_empty_braces(self):
        code = """asio::awaitable<void> f() {
  auto v = std::vector<int>{1, 2};
  co_await m(std::move(v), {});
  if (co_await n()) { auto q = T{1}; }
  co_await run([&] { return X{1}; });
  for (auto& e : co_await list()) { use(E{e}); }
  co_await z("{", '{');  // a { in a comment
  co_await p(T{1});  // check: braced-ok T is an int wrapper
}
struct S { int a{1}; };
namespace n { class C : public B<int> { void f() { g(T{1}); } }; }"""
        self.assertEqual(coawait_findings(code), [])


class DepsTest(unittest.TestCase):
    def run_on(self, files):
        with tempfile.TemporaryDirectory() as root:
            for path, text in files.items():
                full = os.path.join(root, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)
            subprocess.run(["git", "init", "-q", root], check=True)
            subprocess.run(["git", "-C", root, "add", "-A"], check=True)
            res = subprocess.run([sys.executable, os.path.join(TOOLS, "check_deps.py"), "--root",
                                  root], capture_output=True, text=True)
            return res.returncode, res.stdout.splitlines()

    def test_reports_each_broken_rule(self):
        rc, lines = self.run_on({
            "src/p2p/a.cpp": '#include "goop/x/a.hpp"\n#include <boost/beast/http.hpp>\n'
                             '#include "p2p/testing/m.hpp"\n#include <sqlite3.h>\n',
            "src/goop/x/a.hpp": "",
            "src/p2p/testing/m.hpp": "",
            "src/web/b_test.cpp": '#include "p2p/testing/m.hpp"\n#include "app/x.hpp"\n',
            "src/testing/w.cpp": '#include "p2p/x.hpp"\n',
            "tests/e2e/e.cpp": '#include "app/x.hpp"\n#include "goop/x/a.hpp"\n',
        })
        self.assertEqual(rc, 1)
        where = [line.split(" — ")[0] for line in lines]
        self.assertEqual(where, [
            'src/p2p/a.cpp:1: includes "goop/x/a.hpp"',
            'src/p2p/a.cpp:2: includes "boost/beast/http.hpp"',
            'src/p2p/a.cpp:3: includes "p2p/testing/m.hpp"',
            'src/p2p/a.cpp:4: includes "sqlite3.h"',
            'src/testing/w.cpp:1: includes "p2p/x.hpp"',
            'src/web/b_test.cpp:1: includes "p2p/testing/m.hpp"',
            'src/web/b_test.cpp:2: includes "app/x.hpp"',
            'tests/e2e/e.cpp:1: includes "app/x.hpp"',
        ])

    def test_accepts_the_allowed_includes(self):
        rc, lines = self.run_on({
            "src/goop/x/a_test.cpp": '#include "p2p/testing/m.hpp"\n#include "testing/t.hpp"\n'
                                     '#include "storage/db.hpp"\n#include "detail/h.hpp"\n',
            "src/goop/x/detail/h.hpp": "",
            "src/viewer/v.cpp": '#include "goop/x/a.hpp"\n#include "web/http.hpp"\n'
                                '#include "p2p/peer.hpp"\n',
            "src/rendezvous/db.cpp": '#include "storage/db.hpp"\n',
            "src/app/main.cpp": '#include "viewer/v.hpp"\n#include "app/x.hpp"\n',
            "src/web/s.cpp": "#include <boost/beast/http.hpp>\n",
            "src/storage/d.cpp": "#include <sqlite3.h>\n",
        })
        self.assertEqual((rc, lines), (0, []))


if __name__ == "__main__":
    unittest.main()
