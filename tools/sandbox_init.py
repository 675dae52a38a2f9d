"""The sandbox's PID 1 (tools/sandbox.py starts it in bubblewrap; docs/sandbox.md).

    sandbox_init.py REPORT_FD [TREE...] -- COMMAND...

Mounts an overlay on each TREE, drops every capability, runs COMMAND in the process's own directory
and waits for it; then writes to REPORT_FD, as a Python literal, the command's exit status, what it
wrote into the trees, the processes still alive in the namespace, and the namespace's network
counters that moved. Then it exits, and the kernel ends whatever is left in the namespace.

It starts once per test process, so it imports only what it needs (the interpreter's start-up is
most of the sandbox's cost: docs/sandbox.md); json alone would add 13 ms (it imports re), hence a
literal.
"""
from __future__ import annotations

import ctypes
import os
import signal
import stat
import sys
import time
from typing import Any

OUT = "/run/kata-out"          # the process's own directory (tools/sandbox.py binds it)
LAYERS = "/run/kata-layers"    # the upper layers' tmpfs, detached before the process starts
LAYERS_SIZE = "256m"
NAMED = 20                     # at most this many writes and leftovers are reported
GRACE = 2.0                    # seconds a process may take to end after the test's process

PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC = 2, 4, 4096, 16384
MNT_DETACH = 2
EINVAL = 22
CAPABILITY_VERSION_3 = 0x20080522
# The namespace's IP counters (/proc/net/snmp, snmp6) that move only when something is sent.
NETWORK_COUNTERS = ("Ip:OutRequests", "Ip:OutNoRoutes", "Tcp:ActiveOpens", "Udp:OutDatagrams",
                    "Ip6OutRequests", "Ip6OutNoRoutes")

libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _escape(path: str) -> str:
    """A path as an overlayfs mount option value (',' separates options, ':' lower layers)."""
    return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:")


def _submounts(tree: str) -> list[str]:
    """The mount points strictly under `tree`, outermost first (an overlay would hide them)."""
    points = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].encode().decode("unicode_escape")  # \040 is a space
            if point.startswith(tree.rstrip("/") + "/"):
                points.add(point)
    return sorted(points, key=lambda p: p.count("/"))


def overlay(trees: list[str]) -> int:
    """Mounts an overlay on each tree, its upper layer on a tmpfs at LAYERS, then detaches LAYERS
    from every path: the process writes into the upper layer but can never reach the layer to
    tidy up after itself. Returns a descriptor of LAYERS, for writes()."""
    os.makedirs(LAYERS, exist_ok=True)
    _check(libc.mount(b"tmpfs", LAYERS.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                      f"mode=0700,size={LAYERS_SIZE}".encode()), "tmpfs for the upper layers")
    for i, tree in enumerate(trees):
        upper, work = f"{LAYERS}/{i}/upper", f"{LAYERS}/{i}/work"
        os.makedirs(upper)
        os.makedirs(work)
        # A mount inside the tree is not part of the overlay's lower layer: set it aside and put
        # it back on top (read-only, as everything else is; its writes fail, unnamed).
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


def drop_privileges() -> None:
    """No capability, now or after any exec: what the process under test inherits. Bubblewrap
    lent the init CAP_SYS_ADMIN and CAP_DAC_OVERRIDE (in the sandbox's user namespace) to mount
    the overlays, and CAP_SETPCAP to empty the bounding set."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != EINVAL:
            _check(-1, f"drop capability {cap} from the bounding set")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: none, twice (64 bits)
    _check(libc.capset(header, data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    with open("/proc/self/status") as f:
        caps = dict(line.rstrip("\n").split(":\t") for line in f if line.startswith("Cap"))
    if any(int(value, 16) for value in caps.values()):
        raise OSError(0, f"capabilities left after dropping them: {caps}")


def network() -> dict[str, int]:
    """NETWORK_COUNTERS in the namespace (a fresh one starts at 0)."""
    counters: dict[str, int] = {}
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


def leftovers() -> list[dict[str, Any]]:
    """The processes still alive in the namespace, the init aside, once those that were ending
    anyway have had GRACE seconds to (a sanitizer's symbolizer reads to the end of its pipe and
    exits just after the test's process does)."""
    deadline = time.monotonic() + GRACE
    while True:
        found = _alive()
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.01)


def _alive() -> list[dict[str, Any]]:
    """The processes alive in the namespace but the init (zombies reaped first)."""
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
                line = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue  # it ended meanwhile
        name, state = line[line.find("(") + 1:line.rfind(")")], line[line.rfind(")") + 2:][:1]
        if state not in ("Z", "X"):
            found.append({"pid": int(entry), "name": name, "command": command[:100]})
    return sorted(found, key=lambda p: int(p["pid"]))


def writes(layers: int, trees: list[str]) -> list[dict[str, Any]]:
    """What the process wrote into the trees: every entry of the upper layers but the directories
    copied up only to hold another entry. Each {"path", "how"}: "written", "deleted" (an overlay
    whiteout) or "unreadable" (a directory the process made unreadable to the init)."""
    found = []

    def walk(directory: int, path: str, top: bool) -> None:
        entries = list(os.scandir(directory))
        if not entries and not top:
            found.append((path, "written"))
        for entry in entries:
            inner = f"{path}/{entry.name}"
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                try:
                    fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                 dir_fd=directory)
                except OSError:
                    found.append((inner, "unreadable"))
                    continue
                try:
                    walk(fd, inner, False)
                finally:
                    os.close(fd)
            elif stat.S_ISCHR(info.st_mode) and info.st_rdev == 0:
                found.append((inner, "deleted"))
            else:
                found.append((inner, "written"))

    for i, tree in enumerate(trees):
        fd = os.open(f"{i}/upper", os.O_RDONLY | os.O_DIRECTORY, dir_fd=layers)
        try:
            walk(fd, tree.rstrip("/"), True)
        finally:
            os.close(fd)
    return [{"path": path, "how": how} for path, how in sorted(found)]


def run(command: list[str]) -> int:
    """Runs the command as the init's child, in OUT, with no descriptor but 0, 1 and 2; returns
    its exit status (-N for signal N)."""
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
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except InterruptedError:
            continue


def main(argv: list[str]) -> None:
    report_fd, trees = int(argv[0]), argv[1:argv.index("--")]
    command = argv[argv.index("--") + 1:]
    # PID 1 of a namespace gets no signal from inside it that it has no handler for: SIGKILL and
    # SIGSTOP from the process under test never reach it; SIGINT must not reach Python's handler.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no ptrace, /proc/1/fd, /proc/1/mem for the process
    os.set_inheritable(report_fd, False)
    report: dict[str, Any] = {"status": None, "overlay": None, "writes": [], "leftovers": [],
                              "network": {}}
    layers = None
    try:
        if trees:
            layers = overlay(trees)
        report["overlay"] = True
    except OSError as e:
        report["overlay"] = str(e)  # the trees stay read-only: a write fails, unnamed
    try:
        drop_privileges()
    except OSError as e:
        report["error"] = f"the sandbox could not drop its privileges: {e}"
        os.write(report_fd, repr(report).encode())
        os._exit(0)  # the command does not run
    before = network()
    report["status"] = run(command)
    report["leftovers"] = leftovers()[:NAMED]
    if layers is not None:
        report["writes"] = writes(layers, trees)[:NAMED]
    after = network()
    report["network"] = {name: after[name] - before[name] for name in after
                         if after[name] != before[name]}
    os.write(report_fd, repr(report).encode())
    os._exit(0)  # PID 1 ends: the kernel ends whatever is left in the namespace


if __name__ == "__main__":
    main(sys.argv[1:])
