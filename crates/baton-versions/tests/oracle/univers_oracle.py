"""Answer `vers check` lines with univers (PyPI `univers`, tested with 32.0.1).

Reads `RANGE<TAB>VERSION` lines on stdin and prints one line per input line:
`true`, `false` or `error: MESSAGE`. The Rust differential test in
`tests/oracle.rs` feeds it generated cases and compares the answers with
Baton's.

Ranges are validated as the vers specification asks (duplicate versions
and bad comparator sequences are errors) with univers' own checks; the
duplicate check compares versions with `==` because some univers version
classes (apk, alpm, ebuild) cannot be hashed, which breaks
`VersionRange.from_string(..., validate=True)`. univers sorts constraints
itself, so unsorted ranges are not errors here.
"""

import sys

from univers.version_constraint import validate_comparators
from univers.version_range import VersionRange


def parse(rng):
    parsed = VersionRange.from_string(rng)
    constraints = sorted(parsed.constraints)
    for i, a in enumerate(constraints):
        for b in constraints[i + 1 :]:
            if a.version is not None and a.version == b.version:
                raise ValueError(f"duplicated version {a.version}")
    validate_comparators(constraints)
    return parsed


def main():
    cache = {}
    out = sys.stdout
    for line in sys.stdin:
        line = line.rstrip("\n").rstrip("\r")
        if "\t" not in line:
            out.write("error: no tab\n")
            continue
        rng, version = line.split("\t", 1)
        try:
            parsed = cache.get(rng)
            if parsed is None:
                try:
                    parsed = parse(rng)
                except Exception as e:  # noqa: BLE001 - every failure is an answer
                    parsed = e
                cache[rng] = parsed
            if isinstance(parsed, Exception):
                raise parsed
            if parsed.scheme == "all":
                out.write("true\n")
                continue
            if parsed.scheme == "none":
                out.write("false\n")
                continue
            v = parsed.version_class(version)
            out.write("true\n" if v in parsed else "false\n")
        except Exception as e:  # noqa: BLE001
            message = " ".join(f"{type(e).__name__}: {e}".split())
            out.write(f"error: {message}\n")


if __name__ == "__main__":
    main()
