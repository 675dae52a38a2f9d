#!/usr/bin/env python3
"""validate_report.py REPORT.json: checks a grading report against docs/report.schema.json."""
import json
import re
import sys
from pathlib import Path
from typing import Any

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"
# A failure's output is capped at the schema's maxLength, counted in bytes (UTF-8), which the
# schema cannot say; where the grader cut it, the text says so with this mark.
OUTPUT_LIMIT_BYTES: int = json.loads(SCHEMA.read_text())["$defs"]["test"]["properties"]["failure"][
    "properties"]["output"]["maxLength"]
CUT_MARK = "[... {} bytes cut ...]"
# The report format's version (the schema's `schema_version`): what the grader writes.
SCHEMA_VERSION: int = json.loads(SCHEMA.read_text())["properties"]["schema_version"]["const"]


def problems(report: dict[str, Any]) -> list[str]:
    """The schema violations of a report (a parsed JSON document), as readable lines."""
    try:
        # Debian: python3-jsonschema (./kata selftest installs it)
        import jsonschema  # type: ignore[import]
    except ImportError:
        return ["python3-jsonschema is not installed: cannot validate the report"]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    found: list[str] = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                        for error in validator.iter_errors(report)]
    return found or failure_problems(report)


def failure_problems(report: dict[str, Any]) -> list[str]:
    """What the schema cannot check in the failures of a (schema-valid) report: the output's
    size in bytes, a cut said in the text, and the seed in the replay command."""
    found = []
    for k, kata in enumerate(report["katas"]):
        for t, test in enumerate(kata["tests"]):
            failure = test.get("failure") or {}
            where = f"katas/{k}/tests/{t}/failure"
            size = len(failure.get("output", "").encode("utf-8"))
            if size > OUTPUT_LIMIT_BYTES:
                found.append(f"{where}/output: {size} bytes, over {OUTPUT_LIMIT_BYTES}")
            mark = re.escape(CUT_MARK).replace(re.escape("{}"), r"\d+")
            if failure.get("output_cut") and not re.search(mark, failure.get("output", "")):
                found.append(f"{where}/output: {failure['output_cut']} bytes cut, and no mark "
                             f"where")
            if ("seed" in failure and "replay" in failure
                    and f"={failure['seed']} " not in failure["replay"]):
                found.append(f"{where}/replay: does not set the seed {failure['seed']}")
    return found


def main() -> int:
    found = problems(json.loads(Path(sys.argv[1]).read_text()))
    for line in found:
        print(line)
    print(f"{sys.argv[1]}: " + ("valid" if not found else f"{len(found)} schema violation(s)"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
