#!/usr/bin/env python3
"""tools/header_policy.py's rules on small headers (ctest: policy/rules, label harness): each rule
finds what it must, at the right line, and honest code an interviewer would accept finds nothing.
The whole headers (references, skeletons, answers) with the build's own flags are policy/headers;
the red-team headers graded end to end are grader/bad_submissions."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import header_policy  # noqa: E402
from header_policy import Finding  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


class Policy(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.kata_dir = Path(self.dir.name) / "katas" / "demo"
        self.kata_dir.mkdir(parents=True)
        (self.kata_dir / "clock.h").write_text(
            "#pragma once\nnamespace kata { struct Clock {}; }\n")
        self.flags = {"plain": ["-std=c++20", "-O2", f"-I{self.kata_dir}",
                                f"-I{ROOT / 'harness' / 'include'}"]}

    def tearDown(self) -> None:
        self.dir.cleanup()

    def check(self, text: str, namespace: str = "kata", flags: dict[str, list[str]] | None = None,
              macros: tuple[str, ...] = ()) -> list[Finding]:
        header = self.kata_dir / "demo.h"
        header.write_text(textwrap.dedent(text).lstrip("\n"))
        return header_policy.check_header(header, namespace, self.kata_dir,
                                          self.flags if flags is None else flags, macros)

    def assertFinds(self, rule: str, line: int, text: str, **kwargs: Any) -> list[Finding]:
        findings = self.check(text, **kwargs)
        self.assertIn((rule, line), [(f.rule, f.line) for f in findings],
                      "\n".join(map(str, findings)) or "no finding")
        for finding in findings:
            self.assertIn(finding.rule, header_policy.RULES)
            self.assertTrue(
                str(finding).startswith(f"{finding.file}:{finding.line}: {finding.rule}: "))
        return findings

    def assertClean(self, text: str, **kwargs: Any) -> None:
        findings = self.check(text, **kwargs)
        self.assertEqual([], [str(f) for f in findings])


class HonestCode(Policy):
    def test_what_an_honest_learner_writes_finds_nothing(self) -> None:
        self.assertClean("""
            // A header as a learner might write it: every allowed construct once.
            #pragma once
            #include <atomic>
            #include <cassert>
            #include <cmath>
            #include <condition_variable>
            #include <cstdint>
            #include <cstdio>
            #include <cstring>
            #include <iostream>
            #include <mutex>
            #include <thread>
            #include <unordered_map>
            #include <vector>
            #include "clock.h"
            #include "kata/not_implemented.h"
            namespace kata {
            namespace detail {
            inline constexpr std::size_t kShards = 16;
            }  // namespace detail
            class alignas(64) Counter {
             public:
              [[nodiscard]] long get() const {
                std::lock_guard lock(mutex_);
                assert(total_ >= 0 && "never negative");
                return total_;
              }
              void add([[maybe_unused]] long n) {
                if (n < 0) [[unlikely]] std::abort();
                std::unique_lock lock(mutex_);
                total_ += n;
                wider_ += static_cast<unsigned __int128>(n);
                std::printf("%ld\\n", total_);
                std::fprintf(stderr, "%f\\n", std::sqrt(static_cast<double>(n)));
                std::cerr << std::this_thread::get_id() << '\\n';
                char copy[8];
                std::memcpy(copy, "counter", 8);
                changed_.notify_all();
              }
              void must_not_happen() noexcept { std::terminate(); }
             private:
              mutable std::mutex mutex_;
              std::condition_variable changed_;
              long total_ = 0;
              unsigned __int128 wider_ = 0;
              std::atomic<std::uint64_t> hits_{0};
              std::unordered_map<int, std::vector<int>> by_key_;
              static thread_local int slot_;
            };
            inline thread_local int Counter::slot_ = 0;
            static_assert(sizeof(Counter) >= 64);
            }  // namespace kata
            """)

    def test_a_classic_include_guard_is_allowed(self) -> None:
        self.assertClean("""
            #ifndef DEMO_H_
            #define DEMO_H_
            namespace kata {
            struct Counter {};
            }  // namespace kata
            #endif  // DEMO_H_
            """)

    def test_the_reference_uses_namespace_solution_and_the_provided_kata_types(self) -> None:
        self.assertClean("""
            #pragma once
            #include "clock.h"
            namespace solution {
            using kata::Clock;
            struct Limiter { const Clock* clock = nullptr; };
            }  // namespace solution
            """, namespace="solution")


class Preprocessor(Policy):
    def test_only_allowed_standard_headers(self) -> None:
        self.assertFinds("include", 2, "#pragma once\n#include <fstream>\nnamespace kata {}\n")
        self.assertFinds("include", 2, "#pragma once\n#include <unistd.h>\nnamespace kata {}\n")
        self.assertFinds("include", 2, "#pragma once\n#include <bits/std_mutex.h>\n")
        self.assertFinds("include", 2, "#pragma once\n#include <gtest/gtest.h>\n")
        # A default argument std::source_location::current() names the caller's file.
        self.assertFinds("include", 2,
                         "#pragma once\n#include <source_location>\nnamespace kata {}\n")

    def test_a_standard_name_must_resolve_to_the_standard_library(self) -> None:
        (self.kata_dir / "vector").write_text("#pragma once\n")  # the learner's own <vector>
        self.assertFinds("include", 2, "#pragma once\n#include <vector>\nnamespace kata {}\n")

    def test_quoted_includes_only_of_the_kata_provided_headers(self) -> None:
        (self.kata_dir / "helper.inc").write_text("")
        self.assertFinds("include", 2, '#pragma once\n#include "helper.inc"\n')
        self.assertFinds("include", 2, '#pragma once\n#include "../../solutions/demo/demo.h"\n')
        self.assertFinds("include", 2, '#pragma once\n#include "harness/config.h"\n')
        # A header that marks what follows as a system header still has its includes checked.
        (self.kata_dir / "helper.inc").write_text("")
        for marker in ('# 2 "/usr/include/c++/12/mutex" 3', '_Pragma("GCC system_header")'):
            self.assertFinds("include", 3, f'#pragma once\n{marker}\n#include "helper.inc"\n')

    def test_pragma_error_and_other_directives(self) -> None:
        self.assertFinds("pragma", 2, '#pragma once\n#pragma GCC optimize("O0")\n')
        self.assertFinds("error-directive", 2, "#pragma once\n#warning hello\n")
        self.assertFinds("directive", 2, '#pragma once\n#line 1 "clock.h"\n')
        self.assertFinds("directive", 2, "#pragma once\n#include_next <mutex>\n")
        self.assertFinds("directive", 2, "#pragma once\n#\n")

    def test_no_conditional_but_the_include_guard(self) -> None:
        self.assertFinds("conditional", 2, "#pragma once\n#if 1\nnamespace kata {}\n#endif\n")
        self.assertFinds("conditional", 2, "#pragma once\n#ifdef NDEBUG\n#endif\n")
        # a guard whose #define names another macro is no guard
        self.assertFinds("conditional", 1, "#ifndef A_H\n#define B_H\n#endif\n")
        # code after the guard's #endif: not a classic guard either
        self.assertFinds("conditional", 1, "#ifndef A_H\n#define A_H\n#endif\nnamespace kata {}\n")

    def test_an_include_guard_names_nothing_else(self) -> None:
        self.assertFinds("macro", 1,
                         "#ifndef watched\n#define watched\nnamespace kata {}\n#endif\n")
        self.assertFinds("build-macro", 1, "#ifndef COUNTER_H\n#define COUNTER_H\n#endif\n",
                         macros=("COUNTER_H",))
        self.assertClean(
            "#ifndef KATA_COUNTER_H\n#define KATA_COUNTER_H\nnamespace kata {}\n#endif\n")

    def test_spelled_another_way_still_a_directive(self) -> None:
        self.assertFinds("conditional", 2, "#pragma once\n%:if 1\n%:endif\n")
        self.assertFinds("macro", 2, "#pragma once\n#\\\ndefine X 1\n")
        self.assertFinds("conditional", 2, "#pragma once\n  #  /* hidden */ if 1\n#endif\n")

    def test_no_macros(self) -> None:
        self.assertFinds("macro", 2, "#pragma once\n#define check(x) true\n")
        self.assertFinds("macro", 2, "#pragma once\n#undef assert\n")

    def test_no_macro_of_the_build(self) -> None:
        self.assertFinds("build-macro", 3, """
            #pragma once
            namespace kata {
            inline const char* header() { return KATA_HEADER; }
            }  // namespace kata
            """, flags={"plain": self.flags["plain"] + ['-DKATA_HEADER="x"']})
        self.assertFinds("build-macro", 3, """
            #pragma once
            namespace kata {
            inline int where() { return SHOWN_ONLY_IN_THE_BENCHMARK; }
            }  // namespace kata
            """, macros=("SHOWN_ONLY_IN_THE_BENCHMARK",))


class Language(Policy):
    def test_no_asm_and_no_extern(self) -> None:
        self.assertFinds("asm", 3, """
            #pragma once
            namespace kata {
            inline void f() { asm("nop"); }
            }  // namespace kata
            """)
        self.assertFinds("linkage", 3, """
            #pragma once
            namespace kata {
            extern "C++" inline int f() { return 0; }
            }  // namespace kata
            """)
        self.assertFinds("linkage", 3, """
            #pragma once
            namespace kata {
            extern int shared;
            }  // namespace kata
            """)

    def test_only_the_standard_attributes_listed(self) -> None:
        for attribute in ("[[gnu::noinline]]", "[[clang::no_sanitize(\"thread\")]]",
                          "[[using gnu: used]]", "[[nodiscard, gnu::weak]]", "<:<:gnu::weak:>:>",
                          "__attribute__((visibility(\"default\")))"):
            with self.subTest(attribute):
                self.assertFinds("attribute", 3, f"""
                    #pragma once
                    namespace kata {{
                    {attribute} inline int f() {{ return 0; }}
                    }}  // namespace kata
                    """)

    def test_reserved_and_sanitizer_names(self) -> None:
        self.assertFinds("reserved-name", 3, """
            #pragma once
            namespace kata {
            inline void f() { __builtin_trap(); }
            }  // namespace kata
            """)
        self.assertFinds("reserved-name", 2, '#pragma once\n_Pragma("GCC optimize(\\"O0\\")")\n')
        self.assertFinds("sanitizer-name", 3, """
            #pragma once
            namespace kata {
            inline void AnnotateIgnoreWritesBegin() {}
            }  // namespace kata
            """)
        self.assertFinds("sanitizer-name", 3,  # a line splice inside the name
                         "#pragma once\nnamespace kata {\ninline int _\\\n_tsan_x;\n}\n")

    def test_no_harness_names_even_through_an_alias(self) -> None:
        self.assertFinds("harness-name", 3, """
            #pragma once
            namespace kata {
            namespace h = ::harness;
            }  // namespace kata
            """)
        self.assertFinds("harness-name", 3, """
            #pragma once
            namespace kata {
            namespace t = testing;
            }  // namespace kata
            """)
        self.assertFinds("harness-name", 3, """
            #pragma once
            namespace kata {
            using namespace benchmark;
            }  // namespace kata
            """)
        # a variable that happens to share a harness name reaches nothing
        self.assertClean("""
            #pragma once
            namespace kata {
            inline int baseline(int solution) { return solution; }
            }  // namespace kata
            """)

    def test_everything_inside_the_headers_namespace(self) -> None:
        self.assertFinds("outside-namespace", 4, """
            #pragma once
            #include <functional>
            namespace kata { struct Key {}; }
            template <> struct std::hash<kata::Key> { std::size_t operator()(kata::Key) const; };
            """)
        self.assertFinds("outside-namespace", 3, """
            #pragma once
            #include <chrono>
            using namespace std::chrono_literals;
            """)
        self.assertFinds("outside-namespace", 2, "#pragma once\nnamespace solution {}\n")
        self.assertFinds("outside-namespace", 2, "#pragma once\nnamespace kata {}\n",
                         namespace="solution")


class Calls(Policy):
    def test_process_file_environment_signal_and_loading_calls(self) -> None:
        for call, header in (("std::exit(0)", "cstdlib"), ("std::quick_exit(0)", "cstdlib"),
                             ("std::system(\"true\")", "cstdlib"),
                             ("std::getenv(\"X\")", "cstdlib"),
                             ("std::fopen(\"x\", \"w\")", "cstdio"),
                             ("std::remove(\"x\")", "cstdio"),
                             ("std::atexit(+[] {})", "cstdlib"), ("::sched_yield()", "thread"),
                             ("std::set_terminate(nullptr)", "exception"),
                             ("::pthread_self()", "thread")):
            with self.subTest(call):
                self.assertFinds("call", 4, f"""
                    #pragma once
                    #include <{header}>
                    namespace kata {{
                    inline void f() {{ (void){call}; }}
                    }}  // namespace kata
                    """)

    def test_a_pointer_to_a_refused_function_is_refused_too(self) -> None:
        self.assertFinds("call", 4, """
            #pragma once
            #include <cstdlib>
            namespace kata {
            inline auto run = &std::system;
            }  // namespace kata
            """)

    def test_a_call_a_template_leaves_unresolved_is_refused_if_it_may_be_refused(self) -> None:
        self.assertFinds("call", 5, """
            #pragma once
            #include <cstdlib>
            namespace kata {
            using namespace std;
            template <class T> void leave(T code) { quick_exit(code); }
            }  // namespace kata
            """)

    def test_paths_in_strings(self) -> None:
        self.assertFinds("path-literal", 3, """
            #pragma once
            namespace kata {
            inline const char* where = "/proc/self/exe";
            }  // namespace kata
            """)


class FailsClosed(Policy):
    def test_a_header_that_does_not_compile_cannot_be_checked(self) -> None:
        self.assertFinds("cannot-check", 3, """
            #pragma once
            namespace kata {
            inline int f() { return missing; }
            }  // namespace kata
            """)

    def test_a_header_that_leans_on_the_test_s_includes_cannot_be_checked(self) -> None:
        self.assertFinds("cannot-check", 3, """
            #pragma once
            namespace kata {
            inline std::vector<int> v;
            }  // namespace kata
            """)

    def test_no_flags_no_pass(self) -> None:
        self.assertFinds("cannot-check", 1, "#pragma once\n", flags={})

    def test_without_libclang_every_header_is_a_finding(self) -> None:
        saved = header_policy._CINDEX, header_policy._CINDEX_ERROR
        header_policy._CINDEX, header_policy._CINDEX_ERROR = None, "no libclang (simulated)"
        try:
            self.assertFinds("cannot-check", 1, "#pragma once\nnamespace kata {}\n")
        finally:
            header_policy._CINDEX, header_policy._CINDEX_ERROR = saved

    def test_each_build_s_flags_are_used(self) -> None:
        # An include guard named after a macro one build defines empties the header there.
        flags = {"plain": self.flags["plain"], "tsan": self.flags["plain"] + ["-DDEMO_H"]}
        self.assertFinds("variant", 3, """
            #ifndef DEMO_H
            #define DEMO_H
            namespace kata { struct Counter {}; }
            #endif
            """, flags=flags)
        # and a header that compiles under one build's flags only is a finding
        flags = {"plain": self.flags["plain"], "odd": self.flags["plain"] + ["-fno-exceptions"]}
        self.assertFinds("cannot-check", 3, """
            #pragma once
            namespace kata {
            inline void f() { throw 1; }
            }  // namespace kata
            """, flags=flags)


class Loading(unittest.TestCase):
    def test_libclang_is_found_where_debian_keeps_it(self) -> None:
        # The bindings first pointed at a library that is not there, as when the default name is
        # not in the loader's path: the policy finds one of Debian's itself.
        script = textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(ROOT / "tools")!r})
            sys.path.append("/usr/lib/python3/dist-packages")
            import clang.cindex
            clang.cindex.Config.set_library_file("/nonexistent/libclang.so")
            import header_policy
            ci, error = header_policy.cindex()
            print(error or ci.Config.library_file)
            """)
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        loaded = proc.stdout.strip()
        self.assertTrue(loaded.startswith("/usr/lib/") and Path(loaded).is_file(), loaded)


class BuildFlags(unittest.TestCase):
    def test_only_what_changes_what_the_compiler_sees(self) -> None:
        command = ["/usr/bin/c++", "-DKATA_NS=kata", "-D", "X=1", "-I/a", "-isystem", "/b",
                   "-O1", "-g", "-fsanitize=thread", "-Wall", "-Werror", "-std=c++20", "-o",
                   "out.o", "-MD", "-MF", "dep.d", "-c", "src.cc"]
        self.assertEqual(header_policy.semantic_flags(command),
                         ["-DKATA_NS=kata", "-D", "X=1", "-I/a", "-isystem", "/b", "-O1",
                          "-fsanitize=thread", "-std=c++20"])

    def test_a_targets_flags_and_the_builds_macros(self) -> None:
        entries = [{"directory": "/b", "file": "/s/t.cc",
                    "command": "c++ -DA=1 -DKATA_HEADER=\\\"/x.h\\\" -O2 -o "
                               "CMakeFiles/k_kata_plain.dir/t.cc.o -c /s/t.cc"},
                   {"directory": "/b", "file": "/s/b.cc",
                    "command": "c++ -DONLY_HERE -U OFF -o sub/CMakeFiles/k_benchmark.dir/b.cc.o "
                               "-c b.cc"}]
        self.assertEqual(header_policy.target_flags(entries, "k_kata_plain"),
                         ["-DA=1", '-DKATA_HEADER="/x.h"', "-O2"])
        self.assertEqual(header_policy.target_flags(entries, "k_benchmark"),
                         ["-DONLY_HERE", "-U", "OFF"])
        self.assertIsNone(header_policy.target_flags(entries, "k_kata_tsan"))
        self.assertEqual(header_policy.defined_macros(entries),
                         {"A", "KATA_HEADER", "ONLY_HERE", "OFF"})


if __name__ == "__main__":
    unittest.main()
