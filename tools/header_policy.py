#!/usr/bin/env python3
"""header_policy.py: the header policy (docs/header_policy.md), checked before anything is built.

A submitted header is code that runs inside the test process. The policy says what it may contain,
and fails closed: what it does not allow is a finding, and so is a check that cannot run (no
libclang, no compile command for a variant, a header that does not compile with a variant's flags).
It is checked on the header as clang parses it (libclang's Python bindings, Debian's
python3-clang), once with the real flags of every build of it (each test variant and the
benchmark, read from the build's compile_commands.json), and on the header's own tokens, which
include every preprocessor directive whatever the flags select.

    header_policy.py --build-dir build --all            references, skeletons and answers
    header_policy.py --build-dir build --kata rw_lock [--who reference] [HEADER]

Each finding reads `file:line: rule: what`; the exit status is 1 when there is any, 2 on a usage
error. tools/grade.py runs the same checks (check_registered) as its tampering stage.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import functools
import glob
import json
import os
import re
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent

# The rules, by the name a finding carries. docs/header_policy.md explains each.
RULES = {
    "cannot-check": "the policy could not be checked: that is a finding, never a pass",
    "include": "only the standard headers listed and the kata's provided headers",
    "pragma": "no #pragma but #pragma once",
    "error-directive": "no #error or #warning",
    "conditional": "no conditional compilation but a classic include guard",
    "macro": "no #define but the include guard's, no #undef, no # or ## operators",
    "directive": "no other preprocessor directive (#line, #include_next, ...)",
    "build-macro": "no use of a macro the build or the compiler defines",
    "asm": "no asm",
    "linkage": "no extern (extern \"C\" included)",
    "attribute": "no attribute but the standard ones listed",
    "reserved-name": "no reserved identifier (double underscore, or underscore and capital)",
    "sanitizer-name": "no name of the sanitizers' interfaces",
    "harness-name": "no name of the harness, the tests, gtest, the benchmark or the reference",
    "outside-namespace": "every declaration inside the header's own namespace",
    "call": "no process, file, environment, signal or dynamic-loading call",
    "path-literal": "no string naming /proc, /sys, /dev or the project's trees",
    "variant": "the header declares the same things in every build of it",
}

# Standard headers a header may include: the C++ standard library's concurrency, container and
# utility headers, and the streams for printing to the console. Not <fstream>, <filesystem>,
# <csignal>, <csetjmp>, <ctime>, <locale>, <execution>, nor any POSIX or third-party header; nor
# <source_location>: a default argument `std::source_location::current()` tells a method who called
# it, the tests' wrapper or the benchmark, and so which of two behaviours to show.
STD_HEADERS = frozenset("""
    atomic barrier chrono condition_variable future latch mutex semaphore shared_mutex stop_token
    thread
    array bitset deque forward_list list map queue set span stack unordered_map unordered_set vector
    algorithm any bit cassert cfloat cinttypes climits cmath compare concepts coroutine cstddef
    cstdint cstdio cstdlib cstring exception functional initializer_list iterator limits memory
    memory_resource new numbers numeric optional random ranges ratio scoped_allocator
    stdexcept string string_view system_error tuple type_traits typeindex typeinfo
    utility variant version
    ios iosfwd iostream iomanip istream ostream sstream syncstream
""".split())
# Where the standard library's headers live (/usr/include/c++/12/..., .../c++/12/bits/...).
STD_LIB_DIR = re.compile(r"/c\+\+/(?:v1|\d+)/")

# Attributes that say something about the code without changing how it is generated, linked or
# instrumented (alignas is a keyword and allowed). Namespaced attributes ([[gnu::...]],
# [[clang::...]]) and __attribute__ / __declspec are not.
ATTRIBUTES = frozenset("nodiscard maybe_unused likely unlikely fallthrough deprecated noreturn "
                       "no_unique_address carries_dependency".split())

# Names of what the header is compiled with, or next to: gtest and gmock (testing), the harness,
# the reference (solution), the suite's alias (under_test), the benchmark's and its peers'.
HARNESS_NAMES = frozenset("testing gtest harness solution under_test bench baseline benchmark "
                          "absl tbb boost moodycamel spdlog".split())
# Macro names that belong to the build, whether or not this build defines them.
BUILD_MACRO = re.compile(r"^(?:KATA_\w*|GTEST_\w*|GMOCK_\w*|BENCHMARK\w*|HARNESS_\w*|NDEBUG)$")
RESERVED = re.compile(r"__|^_[A-Z]")
# Reserved words a header may still use: a compiler's built-in type, no more than arithmetic.
RESERVED_ALLOWED = frozenset({"__int128"})
SANITIZER_NAME = re.compile(r"^Annotate[A-Z]|^_*(?i:tsan|asan|lsan|msan|hwasan|ubsan|sanitizer)_")
PATH_LITERAL = re.compile(r"/proc\b|/sys/|/dev/|(?:^|[\"'/])(?:tools|build|reports|katas|solutions|"
                          r"harness|benchmarks|gtest-xml|grade-runs)/|\.py\b")

# Functions and variables of the C library (declared outside the C++ standard library's own
# headers, whether named as std::f or ::f) that a header may use: pure arithmetic, memory and
# string functions, printing to the console, reading the time, and what assert() expands to.
# Every other one is a finding, in particular those of PROCESS_CALLS.
C_FUNCTIONS = frozenset("""
    abs labs llabs div ldiv lldiv atoi atol atoll atof strtol strtoll strtoul strtoull strtof strtod
    strtold malloc calloc realloc free aligned_alloc qsort bsearch rand srand abort
    memcpy memmove memset memcmp memchr strlen strcmp strncmp strchr strrchr strstr strcpy strncpy
    strcat strncat strspn strcspn strpbrk
    printf fprintf vprintf vfprintf snprintf sprintf vsnprintf vsprintf puts fputs putchar fputc
    putc fwrite fflush perror
    time clock
    __assert_fail __assert_perror_fail __assert
""".split())
C_VARIABLES = frozenset({"stdout", "stderr"})
C_MATH_HEADERS = frozenset({"math.h", "mathcalls.h", "mathcalls-narrow.h",
                            "mathcalls-helper-functions.h"})
# Why the usual suspects are refused, for the finding's wording.
PROCESS_CALLS = {
    "ends or starts a process": "exit _exit _Exit quick_exit atexit at_quick_exit on_exit system "
                                "fork vfork clone execl execlp execle execv execvp execvpe execve "
                                "fexecve popen pclose posix_spawn posix_spawnp daemon kill ptrace "
                                "syscall prctl setrlimit",
    "touches files": "fopen freopen fdopen tmpfile tmpnam remove rename open openat creat unlink "
                     "unlinkat mkdir rmdir chdir truncate ftruncate link symlink readlink chmod "
                     "write read pwrite mmap",
    "reads or changes the environment": "getenv secure_getenv setenv unsetenv putenv clearenv "
                                        "environ",
    "handles signals": "signal sigaction raise sigprocmask pthread_sigmask pthread_kill sigqueue "
                       "alarm setjmp longjmp",
    "loads code": "dlopen dlsym dlvsym dlclose dladdr",
}
PROCESS_CALL = {name: why for why, names in PROCESS_CALLS.items() for name in names.split()}
# Declarations of the C++ standard library itself that change the whole process or reach files.
# (source_location: see STD_HEADERS, in case another header brings it in.)
STD_DENIED_NAMES = frozenset({"set_terminate", "set_unexpected", "set_new_handler",
                              "source_location"})
STD_FILE_NAMES = frozenset("filesystem basic_ifstream basic_ofstream basic_fstream basic_filebuf "
                           "ifstream ofstream fstream filebuf wifstream wofstream wfstream "
                           "wfilebuf".split())

OPEN_BRACKET, CLOSE_BRACKET = ("[", "<:"), ("]", ":>")  # with their digraphs
# An include guard's name: NAME_H or NAME_H_, so that it can name nothing else (a keyword, a
# harness function such as `watched`, a macro of the build).
GUARD_NAME = re.compile(r"^[A-Z][A-Z0-9_]*_H_?$")
CONDITIONALS = frozenset("if ifdef ifndef elif elifdef elifndef else endif".split())
DIST_PACKAGES = ["/usr/lib/python3/dist-packages"]  # Debian's, for a python3 that is not Debian's
# Debian's python3-clang: the bindings of the distribution's default LLVM (14 on Debian 12, 18 on
# Ubuntu 24.04), whose clang parses the distribution's own libstdc++. The bindings look for a
# libclang.so that Debian keeps out of the loader's path: the newest one found is taken.
PACKAGE = "python3-clang"
LIBCLANG_GLOBS = ["/usr/lib/llvm-*/lib/libclang.so", "/usr/lib/llvm-*/lib/libclang-[0-9]*.so*",
                  "/usr/lib/*/libclang-[0-9]*.so*"]


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule}: {self.what}"


@functools.lru_cache(maxsize=None)
def real(path: str) -> str:
    """os.path.realpath, once per path (a parse names tens of thousands of declarations)."""
    return os.path.realpath(path)


def shown(path: str | Path) -> str:
    """`path` relative to the project when inside it (findings read katas/x/x.h:12)."""
    resolved = Path(os.path.realpath(path))
    try:
        return str(resolved.relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# libclang

_CINDEX: Any = None
_CINDEX_ERROR: str | None = None


def cindex() -> tuple[Any, str | None]:
    """(clang.cindex with a loaded libclang, None), or (None, why not)."""
    global _CINDEX, _CINDEX_ERROR
    if _CINDEX is not None or _CINDEX_ERROR is not None:
        return _CINDEX, _CINDEX_ERROR
    try:
        import clang.cindex as ci
    except ImportError:
        sys.path.extend(d for d in DIST_PACKAGES if d not in sys.path and os.path.isdir(d))
        try:
            import clang.cindex as ci  # type: ignore[import]
        except ImportError:
            _CINDEX_ERROR = (f"libclang's Python bindings are not installed (apt-get install "
                             f"{PACKAGE}; ./kata setup does it)")
            return None, _CINDEX_ERROR
    try:
        ci.Index.create()
    except Exception:  # ci.LibclangError: the bindings look for a libclang.so that is not there
        candidates = [p for pattern in LIBCLANG_GLOBS
                      for p in sorted(glob.glob(pattern), key=_version, reverse=True)]
        for candidate in candidates:
            try:
                ci.Config.set_library_file(candidate)
                ci.Index.create()
                break
            except Exception:
                ci.Config.loaded = False
        else:
            _CINDEX_ERROR = f"libclang could not be loaded (tried {len(candidates)} libraries)"
            return None, _CINDEX_ERROR
    _CINDEX = ci
    return ci, None


def _version(path: str) -> list[int]:
    """/usr/lib/llvm-18/lib/libclang.so -> [18]: to try the newest libclang first."""
    return [int(n) for n in re.findall(r"(?<=[-.])(\d+)", path)[:1]]


# ---------------------------------------------------------------------------------------------
# The build's flags

# Flags that change what the compiler sees: macros, include paths, language, optimisation,
# instrumentation, target. Warnings, debug info, outputs and dependency files do not.
_FLAG_WITH_VALUE = {"-D", "-U", "-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros",
                    "--sysroot", "-isysroot"}
_FLAG_PREFIXES = ("-D", "-U", "-I", "-isystem", "-iquote", "-idirafter", "-std=", "-f", "-O", "-m",
                  "-nostdinc", "-stdlib=", "--sysroot=", "-include", "-imacros", "-pthread")


# CMake's precompiled header (harness/CMakeLists.txt): GCC's .gch beside it is no use to libclang,
# which fails the whole parse on it, and what it holds (GoogleTest, standard headers) the header
# does not see in the policy's parse either way: it is parsed alone.
_PRECOMPILED = re.compile(r"(?:^|/)cmake_pch\.hxx$")


def semantic_flags(command: list[str]) -> list[str]:
    flags: list[str] = []
    i = 1  # command[0] is the compiler
    while i < len(command):
        arg = command[i]
        if arg == "-include" and i + 1 < len(command) and _PRECOMPILED.search(command[i + 1]):
            i += 2
            continue
        if arg in _FLAG_WITH_VALUE and i + 1 < len(command):
            flags += [arg, command[i + 1]]
            i += 2
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            i += 2
            continue
        if arg.startswith(_FLAG_PREFIXES):
            flags.append(arg)
        i += 1
    return flags


_COMMANDS: dict[tuple[str, float], tuple[list[dict[str, str]], set[str]]] = {}


def compile_commands(build_dir: Path) -> list[dict[str, str]] | None:
    """The build's compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS), or None."""
    path = build_dir / "compile_commands.json"
    try:
        key = (str(path), path.stat().st_mtime)
        if key not in _COMMANDS:
            entries = json.loads(path.read_text())
            _COMMANDS[key] = (entries, defined_macros(entries))
        return _COMMANDS[key][0]
    except (OSError, ValueError):
        return None


def _command(entry: dict[str, str]) -> list[str]:
    return list(entry["arguments"]) if "arguments" in entry else shlex.split(entry["command"])


def target_flags(entries: list[dict[str, str]], target: str) -> list[str] | None:
    """The flags of the first translation unit of CMake target `target`, or None."""
    marker = re.compile(rf"(?:^|/)CMakeFiles/{re.escape(target)}\.dir/")
    needle = f"CMakeFiles/{target}.dir/"
    for entry in entries:
        # Splitting every command was most of policy/headers' time: split only the candidates.
        if needle not in entry.get("output", "") + str(entry.get("command") or entry["arguments"]):
            continue
        command = _command(entry)
        output = entry.get("output", "") or next(
            (command[i + 1] for i, a in enumerate(command[:-1]) if a == "-o"), "")
        if marker.search(output):
            return semantic_flags(command)
    return None


def defined_macros(entries: list[dict[str, str]]) -> set[str]:
    """Every macro any compile command of the build defines or undefines (-DNAME, -UNAME)."""
    for cached, macros in _COMMANDS.values():
        if cached is entries:
            return macros
    names = set()
    for entry in entries:
        command = _command(entry)
        for i, arg in enumerate(command):
            value = command[i + 1] if arg in ("-D", "-U") and i + 1 < len(command) else (
                arg[2:] if arg.startswith(("-D", "-U")) else None)
            if value:
                names.add(re.split(r"[=(]", value, maxsplit=1)[0])
    return names


# ---------------------------------------------------------------------------------------------
# The checks


@dataclass
class Token:
    kind: str  # PUNCTUATION, KEYWORD, IDENTIFIER, LITERAL (comments are not tokens)
    text: str
    line: int
    logical: int  # the logical line: physical lines joined by a backslash at their end


class _Checker:
    def __init__(self, ci: Any, header: Path, namespace: str, kata_dir: Path,
                 build_macros: set[str]) -> None:
        self.ci = ci
        self.header = Path(os.path.realpath(header))
        self.name = shown(header)
        self.namespace = namespace
        self.kata_dir = Path(os.path.realpath(kata_dir))
        self.build_macros = build_macros
        self.provided = {Path(os.path.realpath(p)) for p in self.kata_dir.glob("*.h")}
        self.provided |= {Path(os.path.realpath(p)) for p in (ROOT / "harness" / "include" / "kata")
                          .glob("*.h")}
        self.provided.discard(self.header)
        self.foreign = HARNESS_NAMES - {namespace}
        self.findings: set[Finding] = set()

    def add(self, line: int, rule: str, what: str) -> None:
        assert rule in RULES, rule  # every rule is named and documented once, in RULES
        self.findings.add(Finding(self.name, line, rule, what))

    def in_header(self, cursor: Any) -> bool:
        location = cursor.location.file
        return location is not None and real(location.name) == str(self.header)

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, label: str, flags: list[str]) -> Any | None:
        ci = self.ci
        probe = str(self.header.parent / f"header_policy_probe_{label}.cc")
        try:
            tu = ci.Index.create().parse(
                probe, args=["-x", "c++", *flags],
                unsaved_files=[(probe, f'#include "{self.header}"\n')],
                options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD)
        except ci.TranslationUnitLoadError as error:
            self.add(1, "cannot-check", f"libclang could not parse it with the {label} build's "
                                        f"flags ({error})")
            return None
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        for diagnostic in errors[:3]:
            where = diagnostic.location
            line = where.line if where.file and os.path.realpath(where.file.name) == str(
                self.header) else 1
            origin = f"{shown(where.file.name)}:{where.line}: " if where.file else ""
            self.add(line, "cannot-check", f"does not compile with the {label} build's flags: "
                                           f"{origin}{diagnostic.spelling}")
        return tu

    def tokens(self, tu: Any) -> list[Token]:
        ci = self.ci
        data = self.header.read_bytes()
        file = tu.get_file(str(self.header))
        extent = ci.SourceRange.from_locations(ci.SourceLocation.from_offset(tu, file, 0),
                                               ci.SourceLocation.from_offset(tu, file, len(data)))
        logical, current = {}, 1
        for number, line in enumerate(data.decode("utf-8", "replace").split("\n"), start=1):
            logical[number] = current
            if not line.rstrip(" \t\r").endswith("\\"):
                current = number + 1
        return [Token(t.kind.name, t.spelling, t.location.line, logical.get(t.location.line, 0))
                for t in tu.get_tokens(extent=extent) if t.kind.name != "COMMENT"]

    # -- tokens: directives, keywords, attributes, names, literals ------------------------------

    def check_tokens(self, tokens: list[Token]) -> None:
        guard = self.include_guard(tokens)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind == "PUNCTUATION" and token.text in ("#", "%:"):
                i = self.check_directive(tokens, i, guard)
                continue
            if token.kind == "PUNCTUATION" and token.text in ("##", "%:%:"):
                self.add(token.line, "macro", "the token-pasting operator ##")
            elif token.text in OPEN_BRACKET and i + 1 < len(tokens) and \
                    tokens[i + 1].text in OPEN_BRACKET:
                i = self.check_attribute(tokens, i)
                continue
            elif token.kind in ("IDENTIFIER", "KEYWORD"):
                self.check_word(tokens, i)
            elif token.kind == "LITERAL" and PATH_LITERAL.search(token.text) and \
                    token.text.lstrip("uUL8R").startswith(('"', "'")):
                self.add(token.line, "path-literal", f"the string {token.text[:60]} names a path "
                                                     f"outside the header's business")
            i += 1

    def include_guard(self, tokens: list[Token]) -> set[int]:
        """Indices of the `#` of a classic include guard (#ifndef G / #define G first, #endif
        last), which the policy allows; empty if there is none."""
        if len(tokens) < 7 or tokens[0].text not in ("#", "%:") or tokens[1].text != "ifndef":
            return set()
        name = tokens[2]
        rest_of = [t for t in tokens[3:] if t.logical == tokens[0].logical]
        if name.kind != "IDENTIFIER" or rest_of:
            return set()
        define = 3
        if not (tokens[define].text in ("#", "%:") and tokens[define + 1].text == "define"
                and tokens[define + 2].text == name.text
                and (len(tokens) == define + 3 or tokens[define + 3].logical != tokens[
                    define].logical)):
            return set()
        if tokens[-2].text not in ("#", "%:") or tokens[-1].text != "endif":
            return set()
        return {0, define, len(tokens) - 2}

    def check_directive(self, tokens: list[Token], i: int, guard: set[int]) -> int:
        """Checks the directive starting at tokens[i]; returns the index after it."""
        start = tokens[i]
        end = i + 1
        while end < len(tokens) and tokens[end].logical == start.logical:
            end += 1
        words = [t.text for t in tokens[i + 1:end]]
        name = words[0] if words else ""
        line = start.line
        if i in guard:
            if name == "ifndef" and not GUARD_NAME.match(words[1]):
                self.add(line, "macro", f"include guard {words[1]}: a guard is named NAME_H or "
                                        f"NAME_H_")
            if name == "ifndef" and RESERVED.search(words[1]):
                self.add(line, "reserved-name", words[1])
            if name == "ifndef" and words[1] in self.build_macros:
                self.add(line, "build-macro", f"include guard {words[1]} (a macro of the build)")
            return end
        elif name == "include":
            if len(words) < 2 or not (words[1] == "<" or words[1].startswith('"')):
                self.add(line, "include", "#include of a macro: only <header> or \"header\"")
        elif name == "pragma":
            if words[1:] != ["once"]:
                self.add(line, "pragma", f"#pragma {' '.join(words[1:])[:60]}")
        elif name in ("error", "warning"):
            self.add(line, "error-directive", f"#{name}")
        elif name in CONDITIONALS:
            self.add(line, "conditional",
                     f"#{name} {' '.join(words[1:])[:60]}".rstrip() +
                     " (no conditional compilation but a classic include guard)")
        elif name in ("define", "undef"):
            self.add(line, "macro", f"#{name} {' '.join(words[1:2])}".rstrip())
        else:
            self.add(line, "directive", f"#{name}".rstrip() or "#")
        # Names in a directive follow the same rules as in code (#if __SANITIZE_THREAD__, ...).
        for j in range(i + 2, end):
            if name != "include" and tokens[j].kind in ("IDENTIFIER", "KEYWORD"):
                self.check_word(tokens, j)
        return end

    def check_attribute(self, tokens: list[Token], i: int) -> int:
        """Checks the attribute list [[...]] at tokens[i]; returns the index after it."""
        depth, j = 0, i + 2
        attributes: list[list[Token]] = []
        current: list[Token] = []
        while j < len(tokens):
            text = tokens[j].text
            if depth == 0 and text in CLOSE_BRACKET and j + 1 < len(tokens) and \
                    tokens[j + 1].text in CLOSE_BRACKET:
                break
            if text in ("(", "{", "<%", *OPEN_BRACKET):
                depth += 1
            elif text in (")", "}", "%>", *CLOSE_BRACKET):
                depth -= 1
            if depth == 0 and text == ",":
                attributes.append(current)
                current = []
            else:
                current.append(tokens[j])
            j += 1
        attributes.append(current)
        for attribute in attributes:
            if not attribute:
                continue
            words = [t.text for t in attribute]
            spelled = "".join(words)[:60]
            if words[0] == "using" or "::" in words[:2] or words[0] not in ATTRIBUTES:
                self.add(tokens[i].line, "attribute", f"[[{spelled}]]")
        for j2 in range(i + 2, min(j, len(tokens))):
            if tokens[j2].kind in ("IDENTIFIER", "KEYWORD") and tokens[j2].text not in ATTRIBUTES:
                self.check_word(tokens, j2)
        return j + 2

    def check_word(self, tokens: list[Token], i: int) -> None:
        token = tokens[i]
        text, line = token.text, token.line
        if text == "asm":
            self.add(line, "asm", "asm")
        elif text == "extern":
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
            self.add(line, "linkage", f"extern {nxt}" if nxt.startswith('"') else "extern")
        elif text in ("__attribute__", "__attribute", "__declspec"):
            self.add(line, "attribute", text)
        elif text in ("__asm__", "__asm"):
            self.add(line, "asm", text)
        else:
            before = [t.text for t in tokens[max(0, i - 3):i]]
            after = tokens[i + 1].text if i + 1 < len(tokens) else ""
            as_namespace = after == "::" or before[-1:] in (["::"], ["namespace"]) or (
                before[-1:] == ["="] and before[:1] == ["namespace"])
            self.check_name(text, line, as_namespace)

    def check_name(self, text: str, line: int, as_namespace: bool = True) -> None:
        """The naming rules; a harness name counts only where it names a namespace (a local
        `baseline` or `solution` variable reaches nothing)."""
        if SANITIZER_NAME.search(text):
            self.add(line, "sanitizer-name", text)
        elif RESERVED.search(text) and text not in RESERVED_ALLOWED:
            self.add(line, "reserved-name", text)
        elif text in self.foreign and as_namespace:
            self.add(line, "harness-name", text)
        elif text in self.build_macros or BUILD_MACRO.match(text):
            self.add(line, "build-macro", f"{text} (a macro of the build)")

    # -- the parsed header: includes, macro uses, declarations, references ---------------------

    def check_ast(self, tu: Any, tokens: list[Token]) -> list[tuple[str, str, int]]:
        """Checks the parsed header; returns its declarations (kind, name, line), in order."""
        ck = self.ci.CursorKind
        angled = {t.line for k, t in enumerate(tokens) if t.text == "<" and k >= 2
                  and tokens[k - 1].text == "include" and tokens[k - 2].text in ("#", "%:")}
        declarations: list[tuple[str, str, int]] = []
        # The standard headers' thousands of macro uses and includes are dropped by the cheap
        # question (a system header's?) before the costly one (which file?): it was most of the
        # walk. Sound only while the header cannot mark itself a system header (a linemarker
        # `# 3 "f" 3`, a pragma, _Pragma): one that might is walked the slow way, every finding
        # kept (a linemarker hid an include of the reference from the fast way).
        lib = self.ci.conf.lib
        after = [(t, tokens[k + 1:k + 3]) for k, t in enumerate(tokens)]
        marks = any(t.text == "_Pragma" or t.text in ("#", "%:") and next_ and (
            next_[0].kind == "LITERAL" or next_[0].text == "line" or next_[0].text == "pragma"
            and [n.text for n in next_[1:]] != ["once"]) for t, next_ in after)
        preprocessing = (ck.MACRO_INSTANTIATION, ck.INCLUSION_DIRECTIVE)
        for cursor in tu.cursor.get_children():
            if cursor.kind == ck.MACRO_DEFINITION or (
                    not marks and cursor.kind in preprocessing
                    and lib.clang_Location_isInSystemHeader(cursor.location)) or \
                    not self.in_header(cursor):
                continue
            line = cursor.location.line
            if cursor.kind == ck.INCLUSION_DIRECTIVE:
                self.check_include(cursor, line in angled)
            elif cursor.kind == ck.MACRO_INSTANTIATION:
                self.check_macro_use(cursor)
            elif cursor.kind == ck.NAMESPACE and cursor.spelling == self.namespace:
                self.walk(cursor, declarations)
            else:
                kind = ("linkage block" if cursor.kind == ck.UNEXPOSED_DECL
                        else cursor.kind.name.lower().replace("_", " "))
                what = f"{kind} {cursor.spelling}".rstrip()
                self.add(line, "outside-namespace", f"{what} outside namespace {self.namespace}")
                self.walk(cursor, declarations)
        return declarations

    def check_include(self, cursor: Any, angled: bool) -> None:
        spelled = cursor.spelling
        try:
            included = cursor.get_included_file()
        except AssertionError:  # the bindings assert on an include that was not found
            included = None
        path = real(included.name) if included is not None else None
        line = cursor.location.line
        if angled:
            if spelled not in STD_HEADERS:
                self.add(line, "include", f"<{spelled}> is not among the allowed standard headers")
            elif path is not None and not STD_LIB_DIR.search(path):
                self.add(line, "include", f"<{spelled}> resolves to {shown(path)}, not to the "
                                          f"standard library's")
        elif path is None or Path(path) not in self.provided:
            where = f" ({shown(path)})" if path else ""
            self.add(line, "include", f'"{spelled}"{where} is not one of the kata\'s provided '
                                      f"headers")

    def check_macro_use(self, cursor: Any) -> None:
        definition = cursor.referenced
        if RESERVED.search(cursor.spelling):
            return  # the token is a finding already (reserved-name)
        if definition is None or definition.location.file is None:
            self.add(cursor.location.line, "build-macro",
                     f"{cursor.spelling} (defined by the build's flags or the compiler)")

    def walk(self, cursor: Any, declarations: list[tuple[str, str, int]]) -> None:
        ck = self.ci.CursorKind
        for child in cursor.get_children():
            if not self.in_header(child):
                continue
            if child.kind.is_declaration():
                declarations.append((child.kind.name, child.spelling, child.location.line))
                # a name pasted together by a macro is seen here, whatever the tokens said
                self.check_name(child.spelling, child.location.line, child.kind in (
                    ck.NAMESPACE, ck.NAMESPACE_ALIAS))
            self.check_reference(child)
            self.walk(child, declarations)

    def check_reference(self, cursor: Any) -> None:
        ck = self.ci.CursorKind
        if cursor.kind == ck.OVERLOADED_DECL_REF:
            # An unresolved name (a call in a template, a using-declaration): every declaration it
            # may mean must be allowed.
            lib = self.ci.conf.lib
            for i in range(lib.clang_getNumOverloadedDecls(cursor)):
                self.check_target(cursor.location.line, lib.clang_getOverloadedDecl(cursor, i))
            return
        target = cursor.referenced
        if target is None or target == cursor or target.kind == ck.MACRO_DEFINITION:
            return
        self.check_target(cursor.location.line, target)

    def check_target(self, line: int, target: Any) -> None:
        ck = self.ci.CursorKind
        chain = qualified(target)
        if chain and chain[0] in self.foreign:
            self.add(line, "harness-name", "::".join(chain))
            return
        if target.location.file is None:
            if target.kind == ck.FUNCTION_DECL and not target.spelling.startswith("__builtin_"):
                self.add(line, "call", f"{target.spelling}: an implicit declaration")
            return
        path = real(target.location.file.name)
        if path == str(self.header) or Path(path) in self.provided:
            return
        name = target.spelling
        if STD_LIB_DIR.search(path):
            if (chain[:1] == ["std"] and name in STD_DENIED_NAMES) or \
                    STD_FILE_NAMES & set(chain) or chain[-2:] == ["locale", "global"]:
                self.add(line, "call", f"{'::'.join(chain)}: changes the whole process or "
                                       f"reaches files")
            return
        if target.kind not in (ck.FUNCTION_DECL, ck.VAR_DECL):
            return  # a type or a constant of the C library: harmless by itself
        if name in C_FUNCTIONS and target.kind == ck.FUNCTION_DECL or name in C_VARIABLES or \
                os.path.basename(path) in C_MATH_HEADERS:
            return
        why = PROCESS_CALL.get(name, "is not among the C library functions a header may use")
        self.add(line, "call", f"{name} ({shown(path)}) {why}")


def qualified(cursor: Any) -> list[str]:
    """The namespaces and classes enclosing a declaration, outermost first, and its name."""
    names = []
    while cursor is not None and cursor.kind.name != "TRANSLATION_UNIT":
        if cursor.spelling and cursor.kind.name != "UNEXPOSED_DECL":
            names.append(cursor.spelling)
        cursor = cursor.semantic_parent
    return names[::-1]


def check_header(header: str | Path, namespace: str, kata_dir: str | Path,
                 flag_sets: dict[str, list[str]],
                 build_macros: Iterable[str] = ()) -> list[Finding]:
    """Every finding of the policy on `header`, whose classes live in `namespace`, compiled once
    with each of `flag_sets` ({build label: flags}); `kata_dir` holds its provided headers."""
    name = shown(header)
    ci, error = cindex()
    if ci is None:
        return [Finding(name, 1, "cannot-check", error or "no libclang")]
    if not flag_sets:
        return [Finding(name, 1, "cannot-check", "no build flags to check it with")]
    if not Path(header).is_file():
        return [Finding(name, 1, "cannot-check", "the header does not exist")]
    checker = _Checker(ci, Path(header), namespace, Path(kata_dir), set(build_macros))
    shapes: dict[str, list[tuple[str, str, int]]] = {}
    tokens: list[Token] | None = None
    # The parses run side by side (libclang releases the interpreter while it parses).
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        parsed = dict(zip(flag_sets, pool.map(checker.parse, flag_sets, flag_sets.values())))
    for label, tu in parsed.items():
        if tu is None:
            continue
        if tokens is None:
            tokens = checker.tokens(tu)
            checker.check_tokens(tokens)
        shapes[label] = checker.check_ast(tu, tokens)
    labels = list(shapes)
    for label in labels[1:]:
        if shapes[label] != shapes[labels[0]]:
            first = next((a, b) for a, b in zip(shapes[labels[0]] + [("", "(nothing)", 0)],
                                                shapes[label] + [("", "(nothing)", 0)]) if a != b)
            checker.add(first[0][2] or first[1][2] or 1, "variant",
                        f"declares {first[0][1]} with the {labels[0]} build's flags but "
                        f"{first[1][1]} with the {label} build's")
    return merged(checker.findings)


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per line and rule (a line that names testing:: three ways is one finding)."""
    by_place: dict[tuple[str, int, str], list[str]] = {}
    for finding in sorted(findings):
        whats = by_place.setdefault((finding.file, finding.line, finding.rule), [])
        if finding.what not in whats:
            whats.append(finding.what)
    return [Finding(file, line, rule, "; ".join(whats))
            for (file, line, rule), whats in by_place.items()]


# ---------------------------------------------------------------------------------------------
# Headers as the build compiles them


def flags_for(build_dir: Path, manifest: dict[str, Any], who: str,
              entries: list[dict[str, str]] | None = None
              ) -> tuple[dict[str, list[str]], list[str]]:
    """({label: flags} of every build of `who`'s header in the kata's `manifest`: each test variant
    and the benchmark if the kata has one, [why a build's flags are missing]). The target names are
    the manifest's (cmake/Kata.cmake)."""
    entries = compile_commands(build_dir) if entries is None else entries
    if entries is None:
        return {}, [f"no {build_dir / 'compile_commands.json'} (configure the build first)"]
    role = "learner" if who == "kata" else "reference"
    targets = {v: manifest["targets"][role][v] for v in manifest["variants"]}
    bench = manifest["targets"]["self-check" if who == "reference" else "benchmark"]
    if bench:
        targets["benchmark"] = bench
    found, missing = {}, []
    for label, target in targets.items():
        flags = target_flags(entries, target)
        if flags is None:
            missing.append(f"no compile command for {target} in compile_commands.json")
        else:
            found[label] = flags
    return found, missing


def check_registered(build_dir: Path, manifest: dict[str, Any], who: str = "kata",
                     header: str | None = None,
                     entries: list[dict[str, str]] | None = None) -> list[Finding]:
    """The policy on a kata the build registered (build/katas/<name>.json): the learner's header
    (who="kata", namespace kata) or the reference (who="reference", namespace solution), or
    `header` checked as the learner's, with the flags of every build of it."""
    if header is None:
        header = manifest["learner_header" if who == "kata" else "reference_header"]
    entries = compile_commands(build_dir) if entries is None else entries
    flag_sets, missing = flags_for(build_dir, manifest, who, entries)
    findings = [Finding(shown(header), 1, "cannot-check", why) for why in missing]
    macros = defined_macros(entries or [])
    namespace = "kata" if who == "kata" else "solution"
    return findings + check_header(header, namespace, manifest["dir"], flag_sets, macros)


def every_header(build_dir: Path) -> list[tuple[dict[str, Any], str, str]]:
    """(manifest, who, header) of every reference, skeleton and answer of the registered katas."""
    manifests = [json.loads(p.read_text()) for p in sorted((build_dir / "katas").glob("*.json"))]
    found = []
    for manifest in (m for m in manifests if not m.get("fixture")):
        found.append((manifest, "reference", manifest["reference_header"]))
        found.append((manifest, "kata", manifest["learner_header"]))
        answers = Path(manifest["reference_header"]).parent / "answers"
        found += [(manifest, "kata", str(p)) for p in sorted(answers.glob("*.h"))]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("header", nargs="?", help="a header to check as the kata's learner header")
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--kata", help="the kata whose builds' flags to use")
    parser.add_argument("--who", choices=["kata", "reference"], default="kata")
    parser.add_argument("--all", action="store_true",
                        help="every reference, skeleton and answer (solutions/*/answers/*.h)")
    args = parser.parse_args()
    build_dir = Path(args.build_dir).resolve()
    if args.all == bool(args.kata):
        parser.error("give --all or --kata")
    manifests = {p.stem: p for p in (build_dir / "katas").glob("*.json")}
    if args.kata and args.kata not in manifests:
        parser.error(f"unknown kata {args.kata}; known: {', '.join(sorted(manifests))}")
    if args.all:
        jobs = every_header(build_dir)
        if not jobs:
            print(f"header_policy.py: no katas registered in {build_dir}", file=sys.stderr)
            return 1
    else:
        manifest = json.loads(manifests[args.kata].read_text())
        jobs = [(manifest, args.who, args.header or manifest[
            "learner_header" if args.who == "kata" else "reference_header"])]
    entries = compile_commands(build_dir)
    total = 0
    for manifest, who, header in jobs:
        started = time.monotonic()
        findings = check_registered(build_dir, manifest, who, header, entries)
        total += len(findings)
        status = "ok  " if not findings else "FAIL"
        print(f"{status} {shown(header)} (namespace {'kata' if who == 'kata' else 'solution'}): "
              f"{len(findings)} finding(s), {time.monotonic() - started:.1f} s", flush=True)
        for finding in findings:
            print(f"  {finding}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
