#!/usr/bin/env python3
"""similarity.py: is a submitted header a copy of a reference or an answer of the corpus?

    similarity.py check <kata> <header>      the closest header of the corpus, and the verdict
    similarity.py matrix [kata...]           every answer against every other and its reference

A copy is renamed (another namespace, other member names) and reformatted (another style, other
comments); neither changes the token stream once names, whitespace and comments are normalised. So:

  1. tokenize (a small C++ tokenizer: comments, whitespace and preprocessor lines dropped, so that
     a reordered include list or a new include guard changes nothing);
  2. normalise: every identifier becomes ID, but for what a copier cannot rename (keywords, and
     the names after `std::`: std::mutex stays std::mutex), every literal becomes its kind, and
     `const` and `volatile` are dropped (where they sit is a style: clang-format moves them);
  3. take the K-token windows of the stream (k-grams), less those of the kata's skeleton (the
     contract's declarations every answer shares with every other: a shared class name and method
     signatures say nothing about copying);
  4. similarity = |A & B| / min(|A|, |B|): how much of the smaller header's own code is in the other
     (a copy padded with dead code is still a copy).

A header whose similarity to a reference or an answer of its kata reaches THRESHOLD is `copied`.
The corpus decides the threshold: `matrix` measures every answer against every other answer and
the reference of its kata (independent designs, none a copy), and the reference renamed to
namespace kata and clang-formatted in another style (a copy); THRESHOLD sits between the two
(docs/instructors.md, Copy detection, has the measured figures).
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
K = 16
THRESHOLD = 0.92
# Where a private grading tree keeps the instructor tree's skeletons, in its build directory.
PRISTINE_SKELETONS = "pristine-skeletons"

KEYWORDS = frozenset("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
    char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
    co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
    extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
    nullptr operator or or_eq private protected public register reinterpret_cast requires return
    short signed sizeof static static_assert static_cast struct switch template this thread_local
    throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
    xor xor_eq override final
""".split())

QUALIFIERS = frozenset({"const", "volatile"})
TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>(?:u8|[uUL])?R"(?P<delim>[^(\s]*)\(.*?\)(?P=delim)"|(?:u8|[uUL])?"(?:\\.|[^"\\\n])*")
  | (?P<char>(?:u8|[uUL])?'(?:\\.|[^'\\\n])*')
  | (?P<number>\.?\d(?:[eEpP][+-]|[\w.'])*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<punct>::|->\*?|\.\.\.|<=>|<<=|>>=|[-+*/%^&|<>=!]=|&&|\|\||\+\+|--|<<|>>|\S)
""", re.S | re.X)
DIRECTIVE = re.compile(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", re.M)


def tokens(text: str) -> list[str]:
    """The normalised token stream of C++ source `text` (step 1 and 2 above)."""
    text = DIRECTIVE.sub(" ", text)
    out: list[str] = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup if match.lastgroup != "delim" else "string"
        value = match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "word" and value in QUALIFIERS:
            continue  # where a qualifier sits is style (east const): clang-format moves it
        if kind == "word":
            out.append(value if value in KEYWORDS or (out and out[-1] == "::" and len(out) > 1
                                                      and out[-2] == "std") or value == "std"
                       else "ID")
        elif kind in ("string", "char", "number"):
            out.append(kind.upper())
        else:
            out.append(value)
    return out


def grams(stream: list[str], k: int = K) -> set[int]:
    return {hash(tuple(stream[i:i + k])) for i in range(max(0, len(stream) - k + 1))}


@dataclass(frozen=True)
class Fingerprint:
    path: Path
    grams: frozenset[int]


def fingerprint(path: Path, skeleton: frozenset[int]) -> Fingerprint:
    return Fingerprint(path, frozenset(grams(tokens(path.read_text(errors="replace"))) - skeleton))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    smaller = min(len(a.grams), len(b.grams))
    return len(a.grams & b.grams) / smaller if smaller else 0.0


@functools.lru_cache(maxsize=None)
def skeleton_grams(kata: str, root: Path = ROOT, skeleton: Path | None = None) -> frozenset[int]:
    """The k-grams of the kata's pristine skeleton: `skeleton` when given (a private grading tree,
    where katas/ holds the learner's header and there is no history, gets the instructor tree's:
    tools/submission.py), else as tools/check_skeleton.py derives it (the header while it is one,
    else its newest committed version that is); none when neither can be had."""
    if skeleton is not None and skeleton.is_file():
        return frozenset(grams(tokens(skeleton.read_text(errors="replace"))))
    try:
        import check_skeleton  # noqa: E402  (the one way to the pristine skeleton)
        text = check_skeleton.pristine(root / "katas" / kata / f"{kata}.h")[0]
    except (OSError, SystemExit):
        return frozenset()
    return frozenset(grams(tokens(text)))


def corpus(kata: str, root: Path = ROOT) -> list[Path]:
    """The reference and the answers of `kata`: what a submission must not be a copy of."""
    solution = root / "solutions" / kata
    return [p for p in [solution / f"{kata}.h", *sorted((solution / "answers").glob("*.h"))]
            if p.is_file()]


def check(kata: str, header: Path, root: Path = ROOT,
          skeleton: Path | None = None) -> dict[str, Any] | None:
    """{"copied", "of", "similarity", "threshold"} of `header` against the kata's corpus (the
    closest header), or None when there is no corpus here (a learner's repository: the class
    grader checks it)."""
    paths = [p for p in corpus(kata, root) if p.resolve() != header.resolve()]  # not itself
    if not paths:
        return None
    common = skeleton_grams(kata, root, skeleton)
    mine = fingerprint(header, common)
    best = max((similarity(mine, fingerprint(p, common)), p) for p in paths)
    return {"copied": best[0] >= THRESHOLD, "of": str(best[1].relative_to(root)),
            "similarity": round(best[0], 3), "threshold": THRESHOLD}


# The styles a copier reformats the reference in: another brace and indent style, and that with
# `const` moved after the type (which reorders tokens, where a style alone only moves whitespace).
DISGUISES = {
    "llvm-allman": "{BasedOnStyle: LLVM, ColumnLimit: 80, BreakBeforeBraces: Allman, "
                   "IndentWidth: 4}",
    "webkit-east-const": "{BasedOnStyle: WebKit, ColumnLimit: 120, QualifierAlignment: Right}",
}


def disguised(source: Path, out: Path, style: str) -> Path:
    """A header of the corpus as a copier would hand it in: namespace solution renamed to kata,
    its members renamed (order_ -> mOrder), its comments dropped, clang-formatted in `style`."""
    text = source.read_text()
    text = re.sub(r"\bsolution\b", "kata", text)
    text = re.sub(r"\b([a-z]\w*)_\b", lambda m: "m" + m.group(1).title().replace("_", ""), text)
    text = re.sub(r"//[^\n]*", "", text)
    out.write_text(text)
    subprocess.run(["clang-format", "-i", f"--style={style}", str(out)], check=True)
    return out


def matrix(katas: list[str], root: Path = ROOT) -> dict[str, Any]:
    """Every answer against every other answer and the reference of its kata (none may be
    copied), and each of them disguised in every style of DISGUISES (each must be found copied of
    its source): the figures THRESHOLD is chosen from."""
    pairs: list[dict[str, Any]] = []
    copies: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for kata in katas:
            skeleton = skeleton_grams(kata, root)
            prints = [fingerprint(p, skeleton) for p in corpus(kata, root)]
            for i, a in enumerate(prints):
                for b in prints[i + 1:]:
                    pairs.append({"kata": kata, "a": a.path.name, "b": b.path.name,
                                  "similarity": round(similarity(a, b), 3)})
            for source in corpus(kata, root):
                for name, style in DISGUISES.items():
                    copy = disguised(source, Path(scratch) / f"{kata}.h", style)
                    verdict = check(kata, copy, root) or {}
                    copies.append(dict(verdict, kata=kata, disguise=name,
                                       source=str(source.relative_to(root)),
                                       found=verdict.get("of") == str(source.relative_to(root))))
    return {"threshold": THRESHOLD, "k": K, "pairs": pairs, "copies": copies,
            "max_pair": max(pairs, key=lambda p: float(p["similarity"])) if pairs else None,
            "min_copy": min(copies, key=lambda d: float(d["similarity"])) if copies else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("check")
    one.add_argument("kata")
    one.add_argument("header", type=Path)
    every = sub.add_parser("matrix")
    every.add_argument("katas", nargs="*")
    every.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.command == "check":
        verdict = check(args.kata, args.header)
        print(json.dumps(verdict))
        return 1 if verdict and verdict["copied"] else 0
    katas = args.katas or sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.h")
                                 if p.stem == p.parent.name)
    result = matrix(katas)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for pair in sorted(result["pairs"], key=lambda p: -float(p["similarity"]))[:10]:
            print(f"{pair['similarity']:.3f}  {pair['kata']}: {pair['a']} ~ {pair['b']}")
        for d in sorted(result["copies"], key=lambda d: float(d["similarity"]))[:5]:
            print(f"{d['similarity']:.3f}  {d['source']} disguised {d['disguise']} -> {d['of']} "
                  f"({'copied' if d['copied'] else 'NOT copied'})")
        missed = [d for d in result["copies"] if not (d["copied"] and d["found"])]
        print(f"{len(result['pairs'])} pairs, highest {result['max_pair']['similarity']:.3f}; "
              f"{len(result['copies'])} disguised copies, lowest "
              f"{result['min_copy']['similarity']:.3f}, {len(missed)} missed; threshold "
              f"{THRESHOLD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
