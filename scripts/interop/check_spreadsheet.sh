#!/usr/bin/env bash
# Opens zhen's CSV tables with LibreOffice (headless) the way a researcher
# would, converts them to .xlsx and .ods and back to CSV, and checks with
# openpyxl that Chinese text, counts and offsets survive and that no cell
# became a formula. LibreOffice is told to evaluate formulas (its default),
# the worst case: a neutralised cell like '=SUM(1) must stay text. As a
# control, the raw_cells tables (DIR/raw/*.csv, if present) must give
# formula cells, so the check can fail.
#
# usage: check_spreadsheet.sh DIR   (needs soffice; python3 with openpyxl)
# install: apt-get install -y libreoffice-calc-nogui  (or libreoffice-calc)
set -euo pipefail
dir=${1:?usage: check_spreadsheet.sh DIR}
if ! command -v soffice >/dev/null; then
    echo "FAIL: soffice not found; apt-get install -y libreoffice-calc-nogui" >&2
    exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# CSV import: comma, double quote, UTF-8 (76), from line 1; token 13: evaluate formulas
infilter='CSV:44,34,76,1,,,,,,,,,true'
export_csv='csv:Text - txt - csv (StarCalc):44,34,76,1'
status=0
for sub in "" excel raw; do
    src="$dir/$sub"
    compgen -G "$src/*.csv" >/dev/null || continue
    dst="$out/${sub:-plain}"
    mkdir -p "$dst/back"
    # a private profile, so that a running LibreOffice does not interfere
    soffice -env:UserInstallation=file://"$out/profile" --headless --infilter="$infilter" \
        --convert-to xlsx --outdir "$dst" "$src"/*.csv >/dev/null 2>&1
    soffice -env:UserInstallation=file://"$out/profile" --headless --infilter="$infilter" \
        --convert-to ods --outdir "$dst" "$src"/*.csv >/dev/null 2>&1
    soffice -env:UserInstallation=file://"$out/profile" --headless \
        --convert-to "$export_csv" --outdir "$dst/back" "$dst"/*.xlsx >/dev/null 2>&1
    python3 - "$src" "$dst" "${sub:-plain}" <<'PY' || status=1
import csv, sys
from pathlib import Path
import openpyxl

src, dst, kind = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
fail = 0
formulas_seen = 0
for c in sorted(src.glob("*.csv")):
    with open(c, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    x = dst / (c.stem + ".xlsx")
    o = dst / (c.stem + ".ods")
    back = dst / "back" / (c.stem + ".csv")
    for p in (x, o, back):
        if not p.exists():
            print(f"FAIL {c}: LibreOffice did not write {p.name}")
            fail += 1
    if not x.exists():
        continue
    ws = openpyxl.load_workbook(x).active
    cells = [[cell for cell in r] for r in ws.iter_rows()]
    if len(cells) != len(rows):
        print(f"FAIL {c}: {len(rows)} CSV rows, {len(cells)} spreadsheet rows")
        fail += 1
    formulas = []
    han = 0
    for i, (r, cr) in enumerate(zip(rows, cells), 1):
        for j, v in enumerate(r):
            cell = cr[j] if j < len(cr) else None
            got = None if cell is None else cell.value
            if cell is not None and cell.data_type == "f":
                formulas.append((i, j + 1, v, got))
                continue
            if v == "":
                ok = got in (None, "")
            elif isinstance(got, (int, float)):
                ok = float(v) == got
            else:
                ok = got == v
            if not ok:
                print(f"FAIL {c}: row {i} column {j + 1}: CSV {v!r}, spreadsheet {got!r}")
                fail += 1
            han += any("\u4e00" <= ch <= "\u9fff" for ch in v)
    if back.exists():
        with open(back, encoding="utf-8-sig", newline="") as f:
            again = list(csv.reader(f))
        # LibreOffice writes numbers as it shows them; compare as text or number
        def same(a, b):
            if a == b:
                return True
            try:
                return float(a) == float(b)
            except ValueError:
                return False
        diff = [(i + 1, a, b) for i, (ra, rb) in enumerate(zip(rows, again)) for a, b in zip(ra, rb) if not same(a, b)]
        if kind != "raw" and (len(again) != len(rows) or diff):
            print(f"FAIL {c}: xlsx -> csv differs from the original: {diff[:3]} ({len(again)} vs {len(rows)} rows)")
            fail += 1
    neutral = sum(1 for r in rows for v in r if v.startswith("'") and v[1:2] in ("=", "+", "-", "@"))
    formulas_seen += len(formulas)
    if kind != "raw":
        for i, j, v, got in formulas:
            print(f"FAIL {c}: row {i} column {j}: {v!r} became the formula {got!r}")
            fail += 1
    print(f"{'ok  ' if not fail else 'FAIL'} {c}: {len(rows)} rows as xlsx/ods, {han} cells with Chinese intact, "
          f"{neutral} neutralised cells kept as text (LibreOffice shows the leading '), {len(formulas)} formula cells"
          + (", xlsx->csv identical" if kind != "raw" else ""))
if kind == "raw":
    if formulas_seen == 0:
        print(f"FAIL control {src}: raw cells gave no formula; the check would not catch an injection")
        fail += 1
    else:
        print(f"ok   control {src}: with raw_cells LibreOffice made {formulas_seen} formula cell(s), as the neutralising prevents")
sys.exit(1 if fail else 0)
PY
done
if [ "$status" -ne 0 ]; then
    echo "check_spreadsheet: FAILED"
    exit 1
fi
echo "check_spreadsheet: ok"
