"""Runs each process that holds the learner's code (a test binary, a benchmark) in a sandbox, and
says what the process tried that it must not: docs/sandbox.md.

The learner's header is code that runs inside our processes, as the grader's user. In the sandbox
(bubblewrap, Debian package `bubblewrap`) such a process sees the whole filesystem read-only, can
write nothing that outlives it but a fresh directory of its own (OUT, its working directory: gtest's
XML report and the benchmark's JSON go there; /tmp is a private tmpfs), has no network (a network
namespace of its own, with only its own loopback), and lives in a PID namespace that ends, with
every process in it, when it ends.

Inside, a small init (tools/sandbox_init.py, the namespace's PID 1) does what bubblewrap alone
cannot: it names writes (the project's trees are overlays whose upper layer only the init can still
reach), processes left behind (alive in the namespace when the test's process ended) and network use
(the namespace's own IP counters), and reports them with the process's exact exit status on a file
descriptor the process never holds.

Where the sandbox cannot start (no bwrap, user namespaces refused), probe() says why; the grader
then runs the processes unsandboxed and says so in the report and the scorecard, or refuses to
grade when REQUIRE_ENV is set (docs/sandbox.md).
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

# The process's own writable directory, inside the sandbox (its working directory).
OUT = "/run/kata-out"
INIT = Path(__file__).resolve().parent / "sandbox_init.py"
# Set to 1, the grader refuses to grade without a sandbox (class grading: docs/sandbox.md).
REQUIRE_ENV = "KATA_REQUIRE_SANDBOX"
TMP_SIZE = 256 << 20
# Never overlaid: the system's own mounts, and what the sandbox replaces. A tree under /tmp (a build
# directory there) is bound back over the sandbox's own /tmp.
NOT_TREES = ("/", "/tmp", "/proc", "/sys", "/dev", "/run")
# Findings name at most this many written paths one by one.
WRITES_NAMED = 5
# The only environment the process gets: what the harness and the sanitizers read, the locale and
# the search path. Not the rest of the grader's: a CI job's tokens would otherwise be one print away
# from a public test log.
KEPT_ENV = re.compile(r"^(PATH|HOME|LANG|LANGUAGE|LC_\w+|TZ|TERM|KATA_\w+|\w+SAN_OPTIONS|"
                      r"\w+SAN_SYMBOLIZER_PATH)$")


class Outcome(typing.NamedTuple):
    """How a process in the sandbox ended: its exit status (-N for signal N; None when the grader
    killed it), and the findings, each a sentence about a thing it must not have done."""
    status: int | None
    findings: list[str]


def _display(path: str, root: str) -> str:
    """`path` relative to the project when inside it."""
    return os.path.relpath(path, root) if path == root or path.startswith(root + "/") else path


def findings_of(report: dict[str, typing.Any], root: str, who: str) -> list[str]:
    """The sentences for what the init reported about the process `who`."""
    found = []
    if report.get("error"):
        found.append(f"{who} did not run: {report['error']}")
    writes = report.get("writes") or []
    for write in writes[:WRITES_NAMED]:
        what = {"deleted": "deleted", "unreadable": "wrote (and made unreadable)"}.get(
            write["how"], "wrote")
        found.append(f"{who} {what} {_display(write['path'], root)} "
                     f"(discarded: the sandbox keeps it read-only)")
    if len(writes) > WRITES_NAMED:
        found.append(f"{who} wrote {len(writes) - WRITES_NAMED} more file(s) (discarded)")
    leftovers = report.get("leftovers") or []
    if leftovers:
        names = ", ".join(f"`{p['command'] or p['name']}` (pid {p['pid']} in the sandbox)"
                          for p in leftovers[:3])
        found.append(f"{who} left {len(leftovers)} process(es) running when it ended: {names}; "
                     f"the sandbox ended them")
    network = report.get("network") or {}
    if network:
        counts = ", ".join(f"{name} {value}" for name, value in sorted(network.items()))
        found.append(f"{who} tried to use the network ({counts}); the sandbox has none")
    return found


def _read_report(file: typing.IO[bytes]) -> dict[str, typing.Any] | None:
    """The init's report, or None if it wrote none."""
    file.seek(0)
    text = file.read().decode("utf-8", "replace")
    file.close()
    try:
        report = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return report if isinstance(report, dict) else None


class Process:
    """A process started in the sandbox (or bare, when there is none): `popen`, and outcome() once
    it has ended."""

    def __init__(self, box: Sandbox, argv: list[str], out_dir: Path, **popen: typing.Any) -> None:
        self.box = box
        out_dir.mkdir(parents=True, exist_ok=True)
        self.report: typing.IO[bytes] | None = None
        if not box.active:
            self.popen = subprocess.Popen(argv, cwd=out_dir, **popen)
            return
        # The init's report: a file the grader holds, passed to the init alone.
        self.report = report = tempfile.TemporaryFile()
        fd = report.fileno()
        self.popen = subprocess.Popen(box.command(argv, out_dir, fd), pass_fds=(fd,), **popen)

    def outcome(self, killed: bool = False, who: str = "the process") -> Outcome:
        code = self.popen.returncode
        if self.report is None:
            return Outcome(None if killed else code, [])
        report = _read_report(self.report)
        if killed:
            return Outcome(None, [])
        if report is None:
            # The init is PID 1 of the namespace, not dumpable, and ignores signals from inside:
            # only the kernel (out of memory) or bubblewrap failing ends it without a report.
            return Outcome(code, [f"{who} ran in a sandbox that ended without its report "
                                  f"(bubblewrap exit status {code})"])
        return Outcome(report.get("status"), findings_of(report, self.box.root, who))


class Sandbox:
    """Where the grader's processes run: `active` when in bubblewrap (`tool`), else `problem` says
    why not. `trees` are overlaid when `writes_named` (a write into them is named), else only
    read-only; `root` is the project (paths are shown relative to it)."""

    def __init__(self, root: str | Path, trees: typing.Iterable[str] = (), tool: str | None = None,
                 problem: str | None = None, writes_named: bool = False) -> None:
        self.root = str(root)
        self.trees = list(trees)
        self.tool = tool
        self.problem = problem
        self.writes_named = writes_named
        self.writes_problem: str | None = None  # why writes are not named, in a sandbox

    @property
    def active(self) -> bool:
        return self.problem is None

    def inside(self, out_dir: Path) -> str:
        """Where the process sees its output directory."""
        return OUT if self.active else str(out_dir)

    def command(self, argv: list[str], out_dir: Path, report_fd: int) -> list[str]:
        """bwrap's command line: namespaces, capabilities lent to the init only, the mounts."""
        trees = self.trees if self.writes_named else []
        return ["bwrap", "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-pid",
                "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--as-pid-1",
                "--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_DAC_OVERRIDE",
                "--cap-add", "CAP_SETPCAP",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--size", str(TMP_SIZE), "--tmpfs", "/tmp", "--tmpfs", "/run",
                *[arg for tree in self._under_tmp() for arg in ("--ro-bind", tree, tree)],
                "--bind", str(out_dir), OUT, "--chdir", OUT,
                "--clearenv", "--setenv", "TMPDIR", "/tmp",
                *[arg for name, value in sorted(os.environ.items()) if KEPT_ENV.match(name)
                  for arg in ("--setenv", name, value)],
                "--", sys.executable, "-I", "-S", str(INIT), str(report_fd), *trees, "--", *argv]

    def _under_tmp(self) -> list[str]:
        """What the private /tmp would hide and the process needs: the trees under /tmp, and the
        init's own directory when the project is there too (a clone in /tmp, graded or tested)."""
        keep = [tree for tree in self.trees if tree.startswith("/tmp/")]
        tools = str(INIT.parent)
        if tools.startswith("/tmp/") and not any(
                tools == tree or tools.startswith(tree.rstrip("/") + "/") for tree in keep):
            keep.append(tools)
        return keep

    def start(self, argv: list[str], out_dir: Path, **popen: typing.Any) -> Process:
        return Process(self, argv, out_dir, **popen)

    def run(self, argv: list[str], out_dir: Path, timeout: float,
            who: str = "the process") -> tuple[int | None, str, str, list[str]]:
        """Runs argv to its end, its output captured: (exit status, or None when killed after
        `timeout` seconds, stdout, stderr, findings)."""
        proc = self.start(argv, out_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, err = proc.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(proc.popen)
            proc.popen.communicate()
            proc.outcome(killed=True)
            return None, "", "", []
        outcome = proc.outcome(who=who)
        return (outcome.status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                outcome.findings)

    def describe(self) -> dict[str, typing.Any]:
        """The report's `sandbox` field (docs/report.md)."""
        return {"isolated": self.active, "tool": self.tool,
                "writes_named": self.active and self.writes_named,
                "trees": [_display(t, self.root) for t in self.trees] if self.active else [],
                "problem": self.problem or self.writes_problem}


def kill(popen: subprocess.Popen[typing.Any]) -> None:
    """Ends a process started in its own session, and whatever it started (bubblewrap's own death
    ends the sandbox: --die-with-parent)."""
    try:
        os.killpg(popen.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    popen.wait()


def trees_for(root: str | Path, *more: str | Path) -> list[str]:
    """The trees to overlay: the project, the build and report directories, $HOME; each that
    exists, is not a system mount, and is not inside another."""
    candidates = [str(root), *map(str, more), os.environ.get("HOME", "")]
    paths = sorted({os.path.realpath(p) for p in candidates if p and os.path.isdir(p)})
    paths = [p for p in paths if p not in NOT_TREES
             and not any(p.startswith(n + "/") for n in NOT_TREES if n not in ("/", "/tmp"))]
    return [p for p in paths if not any(p.startswith(q + "/") for q in paths)]


def unsandboxed(root: str | Path, problem: str) -> Sandbox:
    return Sandbox(root, problem=problem)


def probe(root: str | Path, trees: list[str]) -> Sandbox:
    """A Sandbox for these trees, after starting one for real: a shell in it writes into the first
    tree, and the sandbox must keep the tree as it was and name the write."""
    if not shutil.which("bwrap"):
        return unsandboxed(root, "bwrap is not installed (Debian package bubblewrap)")
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    box = Sandbox(root, trees, tool=version or "bwrap", writes_named=bool(trees))
    target = os.path.join(trees[0], f".kata-sandbox-probe-{os.getpid()}") if trees else None
    argv = ["/bin/sh", "-c", ': > "$0"', target] if target else ["/bin/true"]
    with tempfile.TemporaryDirectory() as out:
        proc = box.start(argv, Path(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _, err = proc.popen.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            kill(proc.popen)
            return unsandboxed(root, "bubblewrap did not start in 60 s")
        assert proc.report is not None
        report = _read_report(proc.report)
    if target and os.path.exists(target):
        os.unlink(target)
        return unsandboxed(root, f"the sandbox did not keep {trees[0]} read-only")
    if report is None:
        why = (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        return unsandboxed(root, "bubblewrap could not start a sandbox: "
                                 + (why or f"exit status {proc.popen.returncode}"))
    if report.get("error"):
        return unsandboxed(root, report["error"])
    if target and not any(w["path"] == target for w in report.get("writes", [])):
        box.writes_named = False
        box.writes_problem = (f"writes are not named: {report.get('overlay')}"
                              if report.get("overlay") is not True
                              else "writes are not named: the probe's write was not seen")
    return box


if __name__ == "__main__":
    import json
    here = Path(__file__).resolve().parent.parent
    print(json.dumps(probe(here, trees_for(here)).describe(), indent=2))
