"""Package counts from the peers, for tests/spdx-expected-counts.tsv.

SPDX 2.x: spdx-tools (pyspdxtools) parse_file, UTF-16 read with its encoding argument.
SPDX 3.0 JSON-LD: spdx-python-model v3_0_1, every object that is a software_Package (subclasses
included). lib4sbom's SBOMParser().get_packages() is printed beside them for comparison.
Prints: path, packages, source, lib4sbom ("-" where the tool cannot parse the file).
"""
import contextlib, io, logging, os, sys

logging.disable(logging.CRITICAL)


def encoding(path):
    with open(path, "rb") as f:
        return "utf-16" if f.read(2) in (b"\xff\xfe", b"\xfe\xff") else "utf-8"


def spdx2(path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    try:
        return str(len(parse_file(path, encoding=encoding(path)).packages)), "pyspdxtools"
    except BaseException:
        return "-", "none"


def spdx3(path):
    from spdx_python_model import v3_0_1 as m
    try:
        objects = m.SHACLObjectSet()
        with open(path, encoding="utf-8") as fh:
            m.JSONLDDeserializer().read(fh, objects)
        return str(sum(isinstance(o, m.software_Package) for o in objects.objects)), "spdx-python-model"
    except BaseException:
        return "-", "none"


def lib4sbom(path):
    from lib4sbom.parser import SBOMParser
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            p = SBOMParser()
            p.parse_file(path)
            return str(len(p.get_packages()))
    except BaseException:
        return "-"


root = sys.argv[1]
for rel in sys.argv[2:]:
    path = os.path.join(root, rel)
    with open(path, "rb") as f:
        text = f.read().decode(encoding(path))
    count, source = spdx3(path) if ('"@graph"' in text or '"@context"' in text) else spdx2(path)
    print("\t".join([rel, count, source, lib4sbom(path)]))
