"""Runs each process that holds the learner's code (a test binary, a benchmark) in a sandbox, and
says what the process tried that it must not: docs/sandbox.md.

The learner's header is code that runs inside our processes, as the grader's user. In the sandbox
(bubblewrap, Debian package `bubblewrap`) such a process sees the whole filesystem read-only, can
write only to a fresh directory of its own (OUT: gtest's XML report and the benchmark's JSON go
there; /tmp is a private tmpfs), has no network (a network namespace of its own, with only its own
loopback), and lives in a PID namespace that ends, with every process in it, when it ends.

Inside, a small init (this file run with --init, the namespace's PID 1) does what bubblewrap
alone cannot:
  - names writes: the project's trees (source, build, reports, $HOME) are overlays whose upper
    layer is a tmpfs that only the init can still reach, so a write into katas/, tools/ or build/
    never reaches the file, and the init lists what was written once the process has ended;
  - names a process left behind: when the test's process ends, any other process still alive in
    the namespace is listed before the init exits, which ends them all;
  - names network use: the namespace's own IP counters, zero unless the process sent something.
It reports these, and the process's exact exit status, on a file descriptor the process never
holds (the init is not dumpable, so not even /proc/1/fd reaches it), and drops every capability
before the process starts.

Where the sandbox cannot start (no bwrap, user namespaces refused), probe() says why and the
grader runs the processes as before, saying so in the report and the scorecard, or refuses to
grade when REQUIRE_ENV is set (docs/sandbox.md).
"""
from __future__ import annotations

import os
import sys

# Inside the sandbox: the process's own writable directory, and where the init mounts the tmpfs
# that holds the overlays' upper layers before it hides it.
OUT = "/run/kata-out"
LAYERS = "/run/kata-layers"
LAYERS_SIZE = "256m"
# Set to 1, the grader refuses to grade without a sandbox (class grading: docs/sandbox.md).
REQUIRE_ENV = "KATA_REQUIRE_SANDBOX"
# At most this many written paths and left-behind processes are named, per process.
NAMED = 20
# Trees never overlaid: the system's own mounts, and what the sandbox replaces. A tree under
# /tmp (a build directory there) is bound back over the sandbox's own /tmp.
NOT_TREES = ("/", "/proc", "/sys", "/dev", "/run")


# ---------------------------------------------------------------------------------------------
# Inside: the init (PID 1 of the sandbox). Standard library only, imported lazily: it starts once
# per test process.

PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC = 1, 2, 4, 4096, 16384
MNT_DETACH = 2
CAPABILITY_VERSION_3 = 0x20080522
# The namespace's IP counters (/proc/net/snmp, snmp6) that move only when something is sent.
NETWORK_COUNTERS = ("Ip:OutRequests", "Ip:OutNoRoutes", "Tcp:ActiveOpens", "Udp:OutDatagrams",
                    "Ip6OutRequests", "Ip6OutNoRoutes")


def _libc():
    import ctypes
    return ctypes, ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        import ctypes
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _escape(path):
    """A path as an overlayfs mount option value (',' separates options, ':' lower layers)."""
    return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:")


def _submounts(tree):
    """The mount points strictly under `tree`, outermost first (an overlay would hide them)."""
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].encode().decode("unicode_escape")
            if point.startswith(tree.rstrip("/") + "/"):
                points.append(point)
    return sorted(set(points), key=lambda p: p.count("/"))


def _overlay(trees):
    """Mounts an overlay on each tree, upper layers on a tmpfs at LAYERS, then detaches LAYERS
    from every path: the process can write (into the upper layer) but never reach the layer to
    tidy up after itself. Returns a descriptor of LAYERS for _writes."""
    _, libc = _libc()
    os.makedirs(LAYERS, exist_ok=True)
    _check(libc.mount(b"tmpfs", LAYERS.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                      f"mode=0700,size={LAYERS_SIZE}".encode()), "tmpfs for the upper layers")
    for i, tree in enumerate(trees):
        upper, work = f"{LAYERS}/{i}/upper", f"{LAYERS}/{i}/work"
        os.makedirs(upper)
        os.makedirs(work)
        # A mount inside the tree is not part of the overlay's lower layer: set it aside and put
        # it back on top (read-only, as everything else is).
        stashed = []
        for j, point in enumerate(_submounts(tree)):
            stash = f"{LAYERS}/{i}/stash{j}"
            os.makedirs(stash)
            _check(libc.mount(point.encode(), stash.encode(), None, MS_BIND | MS_REC, None),
                   f"set aside {point}")
            stashed.append((stash, point))
        options = f"lowerdir={_escape(tree)},upperdir={_escape(upper)},workdir={_escape(work)}"
        _check(libc.mount(b"overlay", tree.encode(), b"overlay", MS_NOSUID | MS_NODEV,
                          options.encode()), f"overlay on {tree}")
        for stash, point in stashed:
            _check(libc.mount(stash.encode(), point.encode(), None, MS_BIND | MS_REC, None),
                   f"put back {point}")
    layers = os.open(LAYERS, os.O_RDONLY | os.O_DIRECTORY)
    _check(libc.umount2(LAYERS.encode(), MNT_DETACH), "detach the upper layers")
    return layers


def _drop_privileges():
    """No capability, now or after any exec: what the test process inherits. Bubblewrap gave the
    init CAP_SYS_ADMIN and CAP_DAC_OVERRIDE (in the sandbox's user namespace) to mount the
    overlays, and CAP_SETPCAP to empty the bounding set."""
    ctypes, libc = _libc()
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL
            _check(-1, f"drop capability {cap} from the bounding set")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(libc.capset(header, data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    with open("/proc/self/status") as f:
        caps = dict(line.split(":\t") for line in f if line.startswith("Cap"))
    if any(int(caps[k], 16) for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb")):
        raise OSError(0, f"capabilities left after dropping them: {caps}")


def _network():
    """{counter: value} of NETWORK_COUNTERS in the namespace (a fresh one starts at 0)."""
    counters = {}
    try:
        with open("/proc/net/snmp") as f:
            lines = f.read().splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            group = names.split()[0]
            counters.update((group + name, int(value))
                            for name, value in zip(names.split()[1:], values.split()[1:]))
        with open("/proc/net/snmp6") as f:
            counters.update((line.split()[0], int(line.split()[1])) for line in f if line.strip())
    except (OSError, ValueError, IndexError):
        pass
    return {name: counters.get(name, 0) for name in NETWORK_COUNTERS}


def _leftovers():
    """The processes still alive in the namespace but the init (zombies reaped first)."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue  # ended meanwhile
        name, state = stat[stat.find("(") + 1:stat.rfind(")")], stat[stat.rfind(")") + 2:][:1]
        if state not in ("Z", "X"):
            found.append({"pid": int(entry), "name": name, "command": cmdline[:100],
                          "state": state})
    return sorted(found, key=lambda p: p["pid"])


def _writes(layers, trees):
    """What the process wrote into the trees: every entry of the upper layers but the directories
    copied up only to hold another entry. (path, how): 'written', 'deleted' (an overlay whiteout),
    'unreadable' (a directory the process made unreadable)."""
    import stat as st
    found = []

    def walk(directory_fd, path, top=False):
        entries = list(os.scandir(directory_fd))
        if not entries and not top:
            found.append((path, "written"))
        for entry in entries:
            inner = f"{path}/{entry.name}"
            info = entry.stat(follow_symlinks=False)
            if st.S_ISDIR(info.st_mode):
                try:
                    fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                 dir_fd=directory_fd)
                except OSError:
                    found.append((inner, "unreadable"))
                    continue
                try:
                    walk(fd, inner)
                finally:
                    os.close(fd)
            elif st.S_ISCHR(info.st_mode) and info.st_rdev == 0:
                found.append((inner, "deleted"))
            else:
                found.append((inner, "written"))

    for i, tree in enumerate(trees):
        fd = os.open(f"{i}/upper", os.O_RDONLY | os.O_DIRECTORY, dir_fd=layers)
        try:
            walk(fd, tree.rstrip("/"), top=True)
        finally:
            os.close(fd)
    return [{"path": path, "how": how} for path, how in sorted(found)]


def _init(argv):
    """sandbox.py --init REPORT_FD [TREE...] -- COMMAND...: the sandbox's PID 1. Its report is a
    Python literal (json would cost its start-up another 13 ms: it imports re)."""
    import signal
    report_fd, trees = int(argv[0]), argv[1:argv.index("--")]
    command = argv[argv.index("--") + 1:]
    # PID 1 gets no signal from inside its namespace that it has no handler for: SIGKILL and
    # SIGSTOP from the process under test never reach it; SIGINT must not reach Python's handler.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _, libc = _libc()
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no /proc/1/fd, /proc/1/mem, ptrace for the test
    os.set_inheritable(report_fd, False)
    report = {"status": None, "overlay": None, "writes": [], "leftovers": [], "network": {}}
    layers = None
    try:
        if trees:
            layers = _overlay(trees)
        report["overlay"] = True
    except OSError as e:
        report["overlay"] = str(e)  # the trees stay read-only: a write fails, unnamed
    try:
        _drop_privileges()
    except OSError as e:
        report["error"] = f"the sandbox could not drop its privileges: {e}"
        os.write(report_fd, repr(report).encode())
        os._exit(0)  # the test does not run
    before = _network()
    pid = os.fork()
    if pid == 0:
        try:
            os.closerange(3, 65536)
            os.chdir(OUT)
            os.execvp(command[0], command)
        except OSError as e:
            os.write(2, f"sandbox: cannot run {command[0]}: {e}\n".encode())
        os._exit(127)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    report["status"] = os.waitstatus_to_exitcode(status)
    report["leftovers"] = _leftovers()[:NAMED]
    if layers is not None:
        report["writes"] = _writes(layers, trees)[:NAMED]
    after = _network()
    report["network"] = {name: after[name] - before[name] for name in after
                         if after[name] != before[name]}
    os.write(report_fd, repr(report).encode())
    os._exit(0)  # PID 1 ends: the kernel kills whatever is left in the namespace


# ---------------------------------------------------------------------------------------------
# Outside: the grader's side.

class Outcome:
    """How a process in the sandbox ended: `status` (exit status, -N for signal N; None when the
    grader killed it or the sandbox did not say) and `findings` (sentences, each a thing the
    process must not have done)."""

    def __init__(self, status, findings):
        self.status = status
        self.findings = findings


def _display(path, root):
    try:
        return str(os.path.relpath(path, root)) if os.path.commonpath([path, root]) == root else path
    except ValueError:
        return path


def findings_of(report, root, who="the process"):
    """Sentences for what the init reported."""
    found = []
    if report.get("error"):
        found.append(f"{who} did not run: {report['error']}")
    writes = report.get("writes") or []
    for write in writes[:5]:
        what = {"deleted": "deleted", "unreadable": "wrote (and made unreadable)"}.get(
            write["how"], "wrote")
        found.append(f"{who} {what} {_display(write['path'], root)} "
                     f"(discarded: the sandbox keeps it read-only)")
    if len(writes) > 5:
        found.append(f"{who} wrote {len(writes) - 5} more file(s) (discarded)")
    leftovers = report.get("leftovers") or []
    if leftovers:
        names = ", ".join(f"`{p.get('command') or p['name']}` (pid {p['pid']} in the sandbox)"
                          for p in leftovers[:3])
        found.append(f"{who} left {len(leftovers)} process(es) running when it ended: {names}; "
                     f"the sandbox ended them")
    network = report.get("network") or {}
    if network:
        counts = ", ".join(f"{name} {value}" for name, value in sorted(network.items()))
        found.append(f"{who} tried to use the network ({counts}); the sandbox has none")
    return found


class Process:
    """A process started in the sandbox (or not, when there is none): Popen in `popen`, and
    outcome() once it has ended."""

    def __init__(self, box, argv, out_dir, **popen):
        self.box = box
        out_dir.mkdir(parents=True, exist_ok=True)
        if not box.active:
            self.report = None
            self.popen = _popen(argv, cwd=out_dir, **popen)
            return
        import tempfile
        self.report = tempfile.TemporaryFile()
        fd = self.report.fileno()
        self.popen = _popen(box.command(argv, out_dir, fd), pass_fds=(fd,), **popen)

    def outcome(self, killed=False, who="the process"):
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


def _read_report(file):
    """The init's report (a dict), or None if it wrote none."""
    import ast
    file.seek(0)
    text = file.read().decode("utf-8", "replace")
    file.close()
    try:
        report = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return report if isinstance(report, dict) else None


def _popen(argv, **kwargs):
    import subprocess
    return subprocess.Popen(argv, **kwargs)


class Sandbox:
    """Where the grader's processes run: `active` when in bubblewrap (`tool`), else `problem` says
    why not. `trees` are overlaid (a write is named), `root` is the project (paths are shown
    relative to it)."""

    def __init__(self, root, trees=(), tool=None, problem=None, writes_named=False):
        self.root = str(root)
        self.trees = list(trees)
        self.tool = tool
        self.problem = problem
        self.writes_named = writes_named

    @property
    def active(self):
        return self.problem is None

    def inside(self, out_dir):
        """Where the process sees its output directory."""
        return OUT if self.active else str(out_dir)

    def command(self, argv, out_dir, report_fd):
        trees = self.trees if self.writes_named else []
        return ["bwrap", "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-pid",
                "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--as-pid-1",
                "--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_DAC_OVERRIDE",
                "--cap-add", "CAP_SETPCAP",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--size", str(256 << 20), "--tmpfs", "/tmp", "--tmpfs", "/run",
                *[arg for tree in self.trees if tree.startswith("/tmp/")
                  for arg in ("--ro-bind", tree, tree)],
                "--bind", str(out_dir), OUT, "--chdir", OUT,
                "--", sys.executable, "-I", "-S", os.path.abspath(__file__), "--init",
                str(report_fd), *trees, "--", *argv]

    def start(self, argv, out_dir, **popen):
        return Process(self, argv, out_dir, **popen)

    def run(self, argv, out_dir, timeout, who="the process"):
        """Runs argv to its end like subprocess.run(capture_output=True, text=True): (exit status or
        None on timeout, stdout, stderr, findings)."""
        import subprocess
        proc = self.start(argv, out_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, err = proc.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc.popen)
            proc.popen.communicate()
            proc.outcome(killed=True)
            return None, "", "", []
        outcome = proc.outcome(who=who)
        return (outcome.status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                outcome.findings)

    def describe(self):
        """The report's `sandbox` field (docs/report.md)."""
        return {"isolated": self.active, "tool": self.tool, "writes_named": self.writes_named,
                "trees": [_display(t, self.root) for t in self.trees] if self.active else [],
                "problem": self.problem}


def _kill(popen):
    import signal
    try:
        os.killpg(popen.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    popen.wait()


def trees_for(root, *more):
    """The trees to overlay: the project, the build and report directories, $HOME, each existing
    and not inside another (nor a system mount)."""
    candidates = [root, *more, os.environ.get("HOME", "")]
    paths = sorted({os.path.realpath(p) for p in candidates if p and os.path.isdir(p)})
    paths = [p for p in paths if p not in NOT_TREES + ("/tmp",)
             and not any(p.startswith(n + "/") for n in NOT_TREES if n != "/")]
    return [p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/")
                                        for q in paths)]


def unsandboxed(root, problem):
    return Sandbox(root, problem=problem)


def probe(root, trees):
    """A Sandbox for these trees, after starting one for real: a shell in it writes into the first
    tree, and the sandbox must keep the tree as it was and name the write."""
    import shutil
    import subprocess
    import tempfile
    if not shutil.which("bwrap"):
        return unsandboxed(root, "bwrap is not installed (Debian package bubblewrap)")
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    box = Sandbox(root, trees, tool=version or "bwrap", writes_named=bool(trees))
    target = os.path.join(trees[0], f".kata-sandbox-probe-{os.getpid()}") if trees else None
    argv = ["/bin/sh", "-c", ': > "$0"', target] if target else ["/bin/true"]
    with tempfile.TemporaryDirectory() as out:
        proc = box.start(argv, __import__("pathlib").Path(out), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            _, err = proc.popen.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            _kill(proc.popen)
            return unsandboxed(root, "bubblewrap did not start in 60 s")
        report = _read_report(proc.report)
    if target and os.path.exists(target):
        os.unlink(target)
        return unsandboxed(root, f"the sandbox did not keep {trees[0]} read-only")
    if report is None:
        why = (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        return unsandboxed(root, f"bubblewrap could not start a sandbox: "
                                 f"{why or f'exit status {proc.popen.returncode}'}")
    if report.get("error"):
        return unsandboxed(root, report["error"])
    if target and not any(w["path"] == target for w in report.get("writes", [])):
        box.writes_named = False
        box.problem = None
        box.overlay_problem = report.get("overlay")
    return box


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--init":
        _init(sys.argv[2:])
    else:
        import json
        import pathlib
        here = pathlib.Path(__file__).resolve().parent.parent
        print(json.dumps(probe(str(here), trees_for(str(here))).describe(), indent=2))
