//! Mapping of language-specific POS tags to Universal Dependencies v2 UPOS.
//!
//! # jieba (ICTCLAS/PKU-style) → UPOS
//!
//! | jieba | meaning | UPOS |
//! |---|---|---|
//! | `n` `ng` `s` `t` `tg` `f` `g` | noun, noun morpheme, place word, time word, localiser, morpheme | `NOUN` |
//! | `an` `vn` | adjective / verb used as a noun | `NOUN` |
//! | `q` | classifier (UD Chinese tags classifiers `NOUN`) | `NOUN` |
//! | `nr` `nrfg` `nrt` `ns` `nt` `nz` `nw` `j` | person, place, organisation, other proper name, work title, abbreviation | `PROPN` |
//! | `PER` `LOC` `ORG` (paddle) | proper names | `PROPN` |
//! | `TIME` (paddle) | time expression | `NOUN` |
//! | `v` `vg` `vi` `vq` | verb | `VERB` |
//! | `a` `ag` `b` `z` `zg` | adjective, distinguishing word, state word | `ADJ` |
//! | `d` `df` `dg` `ad` `vd` | adverb, adjective/verb used as an adverb | `ADV` |
//! | `m` `mg` `mq` | numeral | `NUM` |
//! | `r` `rg` `rr` `rz` | pronoun | `PRON` |
//! | `p` | preposition | `ADP` |
//! | `c` | conjunction | `CCONJ` |
//! | `u` `ud` `ug` `uj` `ul` `uv` `uz` `y` `xc` `h` `k` | particles, modal particles, other function words, prefix, suffix | `PART` |
//! | `e` `o` | interjection, onomatopoeia | `INTJ` |
//! | `w` | punctuation | `PUNCT` |
//! | `i` `l` | idiom, fixed expression (no single function) | `X` |
//! | `eng` `x` and anything else | Latin-script word, unknown | `X` |
//!
//! ([`crate::Tokenizer`] refines `x` and `eng`: a token made of punctuation
//! only gets `PUNCT`, of symbols only `SYM`, of digits only `NUM`.)
//!
//! # Penn Treebank → UPOS (UD's `en-ptb` conversion)
//!
//! | PTB | UPOS |
//! |---|---|
//! | `NN` `NNS` `NN\|SYM` | `NOUN` |
//! | `NNP` `NNPS` | `PROPN` |
//! | `VB` `VBD` `VBG` `VBN` `VBP` `VBZ` | `VERB` |
//! | `MD` | `AUX` |
//! | `JJ` `JJR` `JJS` `AFX` | `ADJ` |
//! | `RB` `RBR` `RBS` `WRB` | `ADV` |
//! | `CD` | `NUM` |
//! | `DT` `PDT` `WDT` | `DET` |
//! | `PRP` `PRP$` `WP` `WP$` `EX` | `PRON` |
//! | `IN` `RP` | `ADP` |
//! | `CC` | `CCONJ` |
//! | `TO` `POS` | `PART` |
//! | `UH` | `INTJ` |
//! | `.` `,` `:` `` ` `` `''` `"` `(` `)` `-LRB-` `-RRB-` `HYPH` `NFP` `!` `?` | `PUNCT` |
//! | `$` `#` `SYM` | `SYM` |
//! | `FW` `LS` `ADD` `GW` `XX` `-X-` and anything else | `X` |

use crate::Lang;

/// Maps a jieba tag (for `zh`, `ja` and `und`) or a Penn Treebank tag (any
/// other language) to its UD v2 universal POS tag; see the module tables.
///
/// ```
/// use zhen_tokenize::{upos, Lang};
/// assert_eq!(upos("nr", &Lang::ZH), "PROPN");
/// assert_eq!(upos("VBZ", &Lang::EN), "VERB");
/// assert_eq!(upos("???", &Lang::EN), "X");
/// ```
pub fn upos(pos: &str, lang: &Lang) -> &'static str {
    if matches!(lang.as_str(), "zh" | "ja" | "und") {
        jieba_upos(pos)
    } else {
        ptb_upos(pos)
    }
}

/// The jieba → UPOS table.
pub fn jieba_upos(pos: &str) -> &'static str {
    match pos {
        "n" | "ng" | "s" | "t" | "tg" | "f" | "g" | "an" | "vn" | "q" | "TIME" => "NOUN",
        "nr" | "nrfg" | "nrt" | "ns" | "nt" | "nz" | "nw" | "j" | "PER" | "LOC" | "ORG" => "PROPN",
        "v" | "vg" | "vi" | "vq" => "VERB",
        "a" | "ag" | "b" | "z" | "zg" => "ADJ",
        "d" | "df" | "dg" | "ad" | "vd" => "ADV",
        "m" | "mg" | "mq" => "NUM",
        "r" | "rg" | "rr" | "rz" => "PRON",
        "p" => "ADP",
        "c" => "CCONJ",
        "u" | "ud" | "ug" | "uj" | "ul" | "uv" | "uz" | "y" | "xc" | "h" | "k" => "PART",
        "e" | "o" => "INTJ",
        "w" => "PUNCT",
        _ => "X",
    }
}

/// The Penn Treebank → UPOS table.
pub fn ptb_upos(pos: &str) -> &'static str {
    match pos {
        "NN" | "NNS" | "NN|SYM" => "NOUN",
        "NNP" | "NNPS" => "PROPN",
        "VB" | "VBD" | "VBG" | "VBN" | "VBP" | "VBZ" => "VERB",
        "MD" => "AUX",
        "JJ" | "JJR" | "JJS" | "AFX" => "ADJ",
        "RB" | "RBR" | "RBS" | "WRB" => "ADV",
        "CD" => "NUM",
        "DT" | "PDT" | "WDT" => "DET",
        "PRP" | "PRP$" | "WP" | "WP$" | "EX" => "PRON",
        "IN" | "RP" => "ADP",
        "CC" => "CCONJ",
        "TO" | "POS" => "PART",
        "UH" => "INTJ",
        "." | "," | ":" | "``" | "''" | "\"" | "(" | ")" | "-LRB-" | "-RRB-" | "HYPH" | "NFP"
        | "!" | "?" => "PUNCT",
        "$" | "#" | "SYM" => "SYM",
        _ => "X",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        let zh = Lang::ZH;
        let got: Vec<&str> = [
            "n", "nr", "ns", "v", "vn", "a", "ad", "d", "m", "q", "r", "p", "c", "uj", "w", "x",
            "eng",
        ]
        .iter()
        .map(|t| upos(t, &zh))
        .collect();
        assert_eq!(
            got,
            [
                "NOUN", "PROPN", "PROPN", "VERB", "NOUN", "ADJ", "ADV", "ADV", "NUM", "NOUN",
                "PRON", "ADP", "CCONJ", "PART", "PUNCT", "X", "X"
            ]
        );
        let en = Lang::EN;
        let got: Vec<&str> = ["NNP", "MD", "PRP$", "TO", "''", "$", "FW"]
            .iter()
            .map(|t| upos(t, &en))
            .collect();
        assert_eq!(got, ["PROPN", "AUX", "PRON", "PART", "PUNCT", "SYM", "X"]);
    }
}
