#!/usr/bin/env python3
"""Oracle driver for baton-cpe's differential test.

Reads `SOURCE<TAB>TARGET` lines on stdin (each name a CPE 2.3 formatted
string or a 2.2 URI) and prints one line per input line: the NISTIR 7696
name relation as computed by the `cpe` PyPI package (`pip install cpe`),
or `error: MESSAGE` when the package rejects a name.

The package's plain `CPE.name_match` gives wrong answers, so, as in
shared/docs/data-and-oracles.md, both names go through `as_wfn()` into
`CPE2_3_WFN` and the four `CPESet2_3` predicates decide. The package has
no UNDEFINED predicate: when none of the four holds we print `undefined`.
"""
import sys

from cpe import CPE
from cpe.cpe2_3_wfn import CPE2_3_WFN
from cpe.cpeset2_3 import CPESet2_3


def relation(source_text, target_text):
    source = CPE2_3_WFN(CPE(source_text).as_wfn())
    target = CPE2_3_WFN(CPE(target_text).as_wfn())
    # Same precedence as the name-comparison table: DISJOINT wins, and
    # all-EQUAL must be tested before SUBSET/SUPERSET (which include it).
    if CPESet2_3.cpe_disjoint(source, target):
        return "disjoint"
    if CPESet2_3.cpe_equal(source, target):
        return "equal"
    if CPESet2_3.cpe_subset(source, target):
        return "subset"
    if CPESet2_3.cpe_superset(source, target):
        return "superset"
    return "undefined"


def main():
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
        fields = line.split("\t")
        if len(fields) != 2:
            out.write("error: expected SOURCE<TAB>TARGET\n")
            continue
        try:
            out.write(relation(fields[0], fields[1]) + "\n")
        except Exception as exc:  # the package raises bare ValueError/NotImplementedError
            message = " ".join(str(exc).split()) or type(exc).__name__
            out.write("error: " + message + "\n")
    out.flush()


if __name__ == "__main__":
    main()
