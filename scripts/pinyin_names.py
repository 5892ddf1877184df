"""Chinese names in pinyin as English news writes them (Xi Jinping, Li Qiang,
Guangxi), for scripts/gazetteer-en --modern and scripts/synthetic-en --modern.

Made from two MIT-licensed PyPI packages (fetched with `pip download` into a
temporary directory, nothing installed):
  pypinyin 0.55.0 — the pinyin of characters and words (no tones, ü as u);
  faker 40.54.0   — its zh_CN and zh_TW person and address providers:
                    given names, surnames, provinces and cities.
and the surname list zhen's Chinese tagger uses (SURNAMES in
crates/ner/src/cues.rs).

  surnames:    every surname of cues.rs and faker zh_CN, one word (Wang, Xi,
               Ouyang);
  given names: every pair of the syllables of faker's given names (zh_CN's
               one-character and zh_TW's two-character ones), written as one
               word (Jiahao, Zhiming, Jinping, Keqiang);
  places:      faker zh_CN's provinces and cities without their suffix
               (广西壮族自治区 -> Guangxi, 湛江市 -> Zhanjiang).

Deterministic: the lists come back sorted.
"""
import pathlib
import re
import subprocess
import sys
import zipfile

PACKAGES = ["pypinyin==0.55.0", "faker==40.54.0"]
PLACE_SUFFIXES = ["壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州",
                  "地区", "省", "市", "盟"]


def load(tmp):
    """Downloads and unpacks the two packages into `tmp`; returns
    (surnames, given_names, places), each a sorted list of capitalised
    pinyin words."""
    tmp = pathlib.Path(tmp)
    for pkg in PACKAGES:
        name, ver = pkg.split("==")
        dest = tmp / f"{name}-whl"
        if not dest.exists():
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--dest", str(tmp), pkg], check=True)
            whl = next(tmp.glob(f"{name}-{ver}-*.whl"))
            zipfile.ZipFile(whl).extractall(dest)
        if str(dest) not in sys.path:
            sys.path.insert(0, str(dest))
    from pypinyin import Style, lazy_pinyin
    from faker.providers.person.zh_CN import Provider as CN
    from faker.providers.person.zh_TW import Provider as TW
    from faker.providers.address.zh_CN import Provider as ADDR

    def word(chars):
        syl = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
        if len(syl) != len(chars):
            return None
        w = "".join(syl).replace("v", "u").replace("ü", "u")
        return w.capitalize() if re.fullmatch("[a-z]+", w) else None

    cues = pathlib.Path(__file__).resolve().parent.parent / "crates/ner/src/cues.rs"
    text = cues.read_text(encoding="utf-8")
    block = text[text.index("pub const SURNAMES"):]
    block = block[:block.index("];")]
    surnames = set(re.findall(r'"([^"]+)"', block)) | set(CN.last_names)
    syllables = set()
    for g in list(TW.first_names) + list(CN.first_names):
        syl = lazy_pinyin(g, style=Style.NORMAL, errors="ignore")
        if len(syl) == len(g):
            syllables |= {x.replace("v", "u").replace("ü", "u") for x in syl}
    syllables = sorted(x for x in syllables if re.fullmatch("[a-z]+", x))
    places = set()
    for p in list(ADDR.provinces) + list(ADDR.cities):
        for suf in PLACE_SUFFIXES:
            if p.endswith(suf) and len(p) > len(suf) + 1:
                p = p[:-len(suf)]
                break
        places.add(p)

    def romanise(chars):
        return sorted({w for w in map(word, chars) if w})
    given = sorted({(a + b).capitalize() for a in syllables for b in syllables})
    return romanise(surnames), given, romanise(places)


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        s, g, p = load(d)
        print(len(s), s[:20], len(g), g[:20], len(p), p[:20], file=sys.stderr)
