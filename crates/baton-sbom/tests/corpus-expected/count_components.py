"""Writes cyclonedx-counts.tsv: CycloneDX component counts of the real SBOMs under shared/data,
as cyclonedx-python-lib and lib4sbom read them.

Counted: every entry of `components`, nested ones included; not `metadata.component`.
Usage: python count_components.py SHARED_DATA_DIR > cyclonedx-counts.tsv
"""

import json
import sys
import warnings
from pathlib import Path

from cyclonedx.model.bom import Bom
from defusedxml import ElementTree
from lib4sbom.parser import SBOMParser

FOLDERS = ["cyclonedx-bom-examples", "medical-sbom-case-study", "osv-scanner-sbom-fixtures"]


def nested(components):
    return sum(1 + nested(c.components) for c in components)


def python_lib(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        bom = Bom.from_json(json.loads(text))
    else:
        bom = Bom.from_xml(ElementTree.fromstring(text))
    return nested(bom.components)


def raw(path):
    """The count straight from the document's structure, for files the library refuses."""
    if path.suffix == ".json":
        def walk(items):
            return sum(1 + walk(c.get("components", [])) for c in items)
        return walk(json.loads(path.read_text(encoding="utf-8")).get("components", []))
    root = ElementTree.fromstring(path.read_text(encoding="utf-8"))
    ns = root.tag.split("}")[0] + "}"
    def walk_xml(element):
        total = 0
        for components in element.findall(ns + "components"):
            for c in components.findall(ns + "component"):
                total += 1 + walk_xml(c)
        return total
    return walk_xml(root)


def lib4sbom(path):
    parser = SBOMParser()
    parser.parse_file(str(path))
    return len(parser.get_packages())


def attempt(fn, path):
    try:
        return str(fn(path)), None
    except Exception as e:  # the library's refusal is part of the record
        return "error", f"{type(e).__name__}: {e}".replace("\t", " ").replace("\n", " ")[:120]


def main():
    warnings.filterwarnings("ignore")
    root = Path(sys.argv[1])
    files = sorted(
        p for folder in FOLDERS for p in (root / folder).rglob("*")
        if p.suffix in (".json", ".xml") and "spdx" not in p.name
    )
    print("# file\tcyclonedx-python-lib\tlib4sbom\texpected\tnote")
    for path in files:
        lib, why = attempt(python_lib, path)
        other, _ = attempt(lib4sbom, path)
        expected = lib if why is None else str(raw(path))
        note = "" if why is None else f"cyclonedx-python-lib refuses the file ({why}); expected counted from the document"
        print(f"{path.relative_to(root)}\t{lib}\t{other}\t{expected}\t{note}")


if __name__ == "__main__":
    main()
