#!/usr/bin/env bash
# Runs every interop check on a folder written by
#   cargo run -p zhen-export --example write_fixtures -- DIR
# usage: scripts/interop/run.sh DIR
set -uo pipefail
dir=${1:?usage: run.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
python3 -c "import conllu, seqeval, openpyxl" 2>/dev/null || python3 -m pip install --quiet conllu seqeval openpyxl
failed=()
run() {
    echo "== $*"
    "$@" || failed+=("$1")
}
run python3 "$here/check_conllu.py" "$dir"
run python3 "$here/check_brat.py" "$dir"
run python3 "$here/check_csv.py" "$dir"
echo "== seqeval: pred.conll against corpus.conll"
if python3 "$here/check_seqeval.py" "$dir/pred.conll" "$dir/corpus.conll" > "$dir/seqeval.json"; then
    cat "$dir/seqeval.json"
    # and the gold against itself must score 1.0
    python3 "$here/check_seqeval.py" "$dir/corpus.conll" "$dir/corpus.conll" --scheme iob2 |
        python3 -c "import json,sys; s=json.load(sys.stdin); assert s['f1']==1.0, s; print('ok   gold vs gold (strict IOB2): f1 = 1.0')" ||
        failed+=(check_seqeval.py)
else
    failed+=(check_seqeval.py)
fi
if command -v soffice >/dev/null; then
    run bash "$here/check_spreadsheet.sh" "$dir"
else
    echo "== SKIPPED check_spreadsheet.sh: soffice not installed (apt-get install -y libreoffice-calc-nogui)"
    failed+=("check_spreadsheet.sh (soffice missing)")
fi
if [ ${#failed[@]} -ne 0 ]; then
    echo "interop: FAILED: ${failed[*]}"
    exit 1
fi
echo "interop: all checks passed"
