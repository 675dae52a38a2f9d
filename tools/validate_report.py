#!/usr/bin/env python3
"""validate_report.py REPORT.json: checks a grading report against docs/report.schema.json."""
import json
import sys
from pathlib import Path

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"


def problems(report):
    """The schema violations of a report (a parsed JSON document), as readable lines."""
    try:
        import jsonschema  # Debian: python3-jsonschema (./kata selftest installs it)
    except ImportError:
        return ["python3-jsonschema is not installed: cannot validate the report"]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(report)]


def main():
    found = problems(json.loads(Path(sys.argv[1]).read_text()))
    for line in found:
        print(line)
    print(f"{sys.argv[1]}: " + ("valid" if not found else f"{len(found)} schema violation(s)"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
