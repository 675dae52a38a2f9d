"""Running a kata test binary and reading what it said: shared by the project's checking tools.
Why a run failed is tools/failure_kinds.py's to say (one vocabulary, one classifier)."""
import re
import subprocess
import time
from pathlib import Path

FAILED_TEST = re.compile(r"^\[  FAILED  \] ([\w/.]+)(?:, where|\s*\(|$)", re.M)


def list_tests(binary: str | Path, gtest_filter: str | None = None) -> list[str]:
    """The full names of the tests in a gtest binary, in its order; those `gtest_filter` selects
    (gtest's own matching) if given."""
    command = [str(binary), "--gtest_list_tests"]
    if gtest_filter is not None:
        command.append(f"--gtest_filter={gtest_filter}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    names: list[str] = []
    suite = ""
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            names.append(suite + line.split("#")[0].strip())
    return names


def run(binary: str | Path, args: list[str],
        timeout: float | None) -> tuple[int | None, str, float]:
    """Runs the binary; returns (exit code or None on timeout, output, seconds)."""
    start = time.monotonic()
    try:
        proc = subprocess.run([str(binary), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        code = proc.returncode
        out = proc.stdout
    except subprocess.TimeoutExpired as e:
        code, out = None, e.stdout if isinstance(e.stdout, bytes) else b""
    return code, out.decode("utf-8", "replace"), time.monotonic() - start


RUN = re.compile(r"^\[ RUN      \] (\S+)$", re.M)
OK = re.compile(r"^\[       OK \] (\S+)", re.M)
SKIPPED = re.compile(r"^\[  SKIPPED \] (\S+)", re.M)


def failed_tests(output: str) -> list[str]:
    """Tests reported FAILED, and any started that never finished (a sanitizer or crash ended
    them)."""
    failed = set(FAILED_TEST.findall(output))
    # --gtest_fail_fast starts the remaining tests only to skip them: those did not fail.
    unfinished = set(RUN.findall(output)) - set(OK.findall(output)) - set(SKIPPED.findall(output))
    return sorted(failed | unfinished)
