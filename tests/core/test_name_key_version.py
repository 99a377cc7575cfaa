"""Name keys change only with a new `normalize.NAME_KEY_VERSION`.

A session file records the version of the rules that made its name keys; a file of another
version gets them made again when read (`session._current_name_keys`). That only works if every
change to `name_key`'s output raises the version, which this test holds to: `name_keys.json`
keeps the keys of about 3,500 names (the demo lists, synthetic CRM names with suffixes, typos,
accents and case, and names written against each rule) as the recorded version made them.

After a deliberate change to the rules, raise NAME_KEY_VERSION and write the file again:

    python tests/core/test_name_key_version.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from acctmap_tui.core.normalize import NAME_KEY_VERSION, name_key, name_keys

KEPT = Path(__file__).with_name("name_keys.json")

# one or more names against each rule of name_key, and what a CRM cell may hold besides
RULES = [
    "The Acme Holdings Co., Ltd.", "THE THE COMPANY", "Company", "Inc.", "S.A.", "Acme S.A.",
    "Acme & Co", "Acme and Co", "Acme + Co", "AT&T", "Johnson & Johnson", "Procter & Gamble Co",
    "Müller GmbH & Co. KG", "Société Générale S.A.", "L'Oréal", "Campbell's", "McDonald's Corp.",
    "Acme Incorproated", "Acme Liited", "Acme oCrp", "Acme PPty Ltd", "Acme Pty. Ltd.",
    "Acme Limited Liability Company", "Acme, L.L.C.", "Acme Sp. z o.o.", "Acme S.p.A.", "Acme AB (publ)",
    "Acme N.V.", "Acme Oyj", "Acme A/S", "Acme K.K.", "Acme Corp (EMEA)", "Acme [Holdings]",
    "3M", "7-Eleven, Inc.", "1&1 AG", "Store 1234", "Acme/Globex JV", "acme\tinc", "acme\ninc",
    "  Acme   Inc  ", "ACME INC.", "acme inc", "Ácmé Íñç", "Ærøskøbing A/S", "Straße GmbH",
    "ＡＣＭＥ株式会社", "株式会社サンプル商事", "サンプル商事 株式会社", "(株)トヨタ", "㈱トヨタ",
    "トヨタ (株)", "株洲 Industries", "株式会社 Acme 有限公司 Inc", "有限会社山田", "华为技术有限公司",
    "台积电股份有限公司", "주식회사 삼성", "삼성 (주)", "شركة أكمي ش.م.م", "Акме ООО", "ООО Акме",
    "Acme™", "Acme®", "Acme 🚀", "Acme\u200bInc", "—", "&", "The", "Co. Co. Co.", "Inc Inc",
    "Holdings Group", "Acme Holdings Group", "Group Holdings Inc", "Bank of America Corporation",
    "Banco Bilbao Vizcaya Argentaria, S.A.", "Deutsche Bank AG", "Partners Group Holding AG",
    "Berkshire Hathaway Inc. (Class B)", "Alphabet Inc. Class A", "Kohlberg Kravis Roberts & Co. L.P.",
    # invisible format characters are dropped, not word breaks (version 2)
    "Sun\u200bco Inc", "Ac\u200bme Inc", "Ro\u200bsa Co", "Ac\u00adme Inc", "Acme\u00ad Inc",
    "\ufeffAcme Inc", "Ac\u200cme\u200d Inc", "Acme\u2060 Corp", "Ac\u200eme Inc", "Sun\u200b Inc",
    # only legal forms: keys kept, but ingest reads such a name as no name (is_legal_form_only)
    "Inc., LLC", "Ltd", "GmbH", "株式会社", "Limited Liability Company", "S.A. de C.V.",
]


def corpus() -> list[str]:
    """The names the kept keys are of: the demo lists, a synthetic world's names and RULES."""
    from acctmap_tui.core import ingest

    names: list[str] = []
    for path in ingest.demo_paths():
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        column = 0 if "Account Name" == rows[0][0] else 1
        names += [row[column] for row in rows[1:]]
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.match_bench import build

    ours, theirs, _ = build(1_500, seed=12)
    names += [row.name for row in ours + theirs]
    return list(dict.fromkeys(names + RULES))


def test_the_kept_names_give_their_keys_unless_the_version_is_raised() -> None:
    kept = json.loads(KEPT.read_text(encoding="utf-8"))
    assert kept["version"] == NAME_KEY_VERSION, (
        f"NAME_KEY_VERSION is {NAME_KEY_VERSION}, the kept keys are of version {kept['version']}: "
        "write them again (python tests/core/test_name_key_version.py)")
    names = list(kept["keys"])
    assert len(names) > 3_000
    changed = {n: (k, name_key(n)) for n, k in kept["keys"].items() if name_key(n) != k}
    assert not changed, (
        f"name_key gives other keys for {len(changed)} names, e.g. {list(changed.items())[:5]}: "
        "raise normalize.NAME_KEY_VERSION (sessions saved before then get their keys made "
        "again when read), then write the kept keys again (python tests/core/test_name_key_version.py)")
    assert name_keys(names) == list(kept["keys"].values())


def test_the_kept_names_cover_every_rule() -> None:
    kept = json.loads(KEPT.read_text(encoding="utf-8"))["keys"]
    assert set(RULES) <= set(kept)
    assert sum(k != n.casefold() for n, k in kept.items()) > 1_000  # most names lose something


if __name__ == "__main__":
    names = corpus()
    KEPT.write_text(json.dumps({"version": NAME_KEY_VERSION, "keys": dict(zip(names, name_keys(names)))},
                               ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{KEPT}: {len(names):,} names, version {NAME_KEY_VERSION}")
