//! Script detection: simplified (Hans) or traditional (Hant) Chinese.
//!
//! Only characters that tell the two apart count, taken from OpenCC's
//! character tables (`STCharacters.txt`: simplified → traditional,
//! `TSCharacters.txt`: traditional → simplified):
//!
//! * **Hans-only**: a key of STCharacters none of whose candidates is itself
//!   (it always changes under s2t: 发 → 發 髮, 们 → 們), that is not a key of
//!   TSCharacters and not a candidate of STCharacters (it is never written in
//!   traditional text).
//! * **Hant-only**: symmetrically, a key of TSCharacters none of whose
//!   candidates is itself (發 → 发), that is not a key of STCharacters and not
//!   a candidate of TSCharacters.
//!
//! Everything else is neutral: characters common to both (的, 中), and those
//! that one side keeps in some words (后 → 後 后: 皇后; 乾 → 干 乾: 乾坤;
//! 干 → 幹 乾 干), so they cannot decide.
//!
//! [`detect_script`] classifies by the share of the minority side among the
//! deciding characters: at most [`MINORITY_SHARE`] (a quotation, a name in the
//! other script, an OCR slip) gives the majority side; above it is `Mixed`;
//! no deciding character at all is `None`.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use zhen_core::Script;

use crate::dict::Dict;

pub(crate) const ST_CHARACTERS: &str = include_str!("../data/dictionary/STCharacters.txt");
pub(crate) const TS_CHARACTERS: &str = include_str!("../data/dictionary/TSCharacters.txt");

/// The largest share of minority-side characters that still gives the
/// majority side: 0.2, i.e. one deciding character in five.
pub const MINORITY_SHARE: f64 = 0.2;

/// Occurrences of Hans-only and Hant-only characters in a text (see the
/// module docs for which characters count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScriptCounts {
    /// Simplified-only characters.
    pub hans: usize,
    /// Traditional-only characters.
    pub hant: usize,
}

impl ScriptCounts {
    /// The script these counts indicate (the rule of [`detect_script`]).
    pub fn script(&self) -> Script {
        let n = self.hans + self.hant;
        if n == 0 {
            return Script::None;
        }
        let minority = self.hans.min(self.hant) as f64;
        if minority <= MINORITY_SHARE * n as f64 {
            if self.hans >= self.hant {
                Script::Hans
            } else {
                Script::Hant
            }
        } else {
            Script::Mixed
        }
    }
}

struct Tables {
    // sorted
    hans: Vec<char>,
    hant: Vec<char>,
    // the same for U+2E80..U+FFFF, one byte per code point (0 neither,
    // HANS, HANT): two binary searches per CJK char were 4% of a
    // `zhen tokenize`
    bmp: Vec<u8>,
}

const BMP_FROM: u32 = 0x2E80;
const HANS: u8 = 1;
const HANT: u8 = 2;

fn one_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn only(from: &Dict, other: &Dict) -> Vec<char> {
    let own_values: HashSet<&str> = from
        .entries
        .iter()
        .flat_map(|e| e.values.iter().map(String::as_str))
        .collect();
    let other_keys: HashSet<&str> = other.entries.iter().map(|e| e.key.as_str()).collect();
    let mut out: Vec<char> = from
        .entries
        .iter()
        .filter(|e| {
            !e.values.contains(&e.key)
                && !other_keys.contains(e.key.as_str())
                && !own_values.contains(e.key.as_str())
        })
        .filter_map(|e| one_char(&e.key))
        .collect();
    out.sort_unstable();
    out
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let st = Dict::parse(ST_CHARACTERS, Path::new("embedded:STCharacters.txt"))
            .expect("vendored STCharacters.txt parses");
        let ts = Dict::parse(TS_CHARACTERS, Path::new("embedded:TSCharacters.txt"))
            .expect("vendored TSCharacters.txt parses");
        let (hans, hant) = (only(&st, &ts), only(&ts, &st));
        let mut bmp = vec![0u8; (0x1_0000 - BMP_FROM) as usize];
        for (chars, v) in [(&hans, HANS), (&hant, HANT)] {
            for &c in chars
                .iter()
                .filter(|&&c| (BMP_FROM..0x1_0000).contains(&(c as u32)))
            {
                bmp[(c as u32 - BMP_FROM) as usize] = v;
            }
        }
        Tables { hans, hant, bmp }
    })
}

/// Counts the Hans-only and Hant-only characters of `text`.
///
/// ```
/// let c = zhen_script::script_counts("头发乾燥 頭髮");
/// assert_eq!((c.hans, c.hant), (2, 2)); // 乾 and 燥 are neutral
/// ```
pub fn script_counts(text: &str) -> ScriptCounts {
    let t = tables();
    let mut counts = ScriptCounts::default();
    for c in text.chars() {
        // every table char is a CJK ideograph or radical, above U+2E80
        let c32 = c as u32;
        if c32 < BMP_FROM {
            continue;
        }
        if c32 < 0x1_0000 {
            match t.bmp[(c32 - BMP_FROM) as usize] {
                HANS => counts.hans += 1,
                HANT => counts.hant += 1,
                _ => {}
            }
        } else if t.hans.binary_search(&c).is_ok() {
            counts.hans += 1;
        } else if t.hant.binary_search(&c).is_ok() {
            counts.hant += 1;
        }
    }
    counts
}

/// The script of `text`: `Hans`, `Hant`, `Mixed`, or `None` when no
/// character tells them apart. See the module docs for the rule.
///
/// ```
/// use zhen_core::Script;
/// use zhen_script::detect_script;
/// assert_eq!(detect_script("这是简体中文的新闻。"), Script::Hans);
/// assert_eq!(detect_script("這是繁體中文的新聞。"), Script::Hant);
/// assert_eq!(detect_script("中文"), Script::None);
/// assert_eq!(detect_script("简体和繁體"), Script::Mixed);
/// ```
pub fn detect_script(text: &str) -> Script {
    script_counts(text).script()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_disjoint_and_sane() {
        let t = tables();
        assert!(t.hans.len() > 1500, "{}", t.hans.len());
        assert!(t.hant.len() > 1500, "{}", t.hant.len());
        for c in &t.hans {
            assert!(t.hant.binary_search(c).is_err(), "{c} on both sides");
            assert!((*c as u32) >= 0x2E80);
        }
        for c in &t.hant {
            assert!((*c as u32) >= 0x2E80);
        }
        for c in ['发', '们', '这', '说'] {
            assert!(t.hans.binary_search(&c).is_ok(), "{c}");
        }
        for c in ['發', '們', '這', '說'] {
            assert!(t.hant.binary_search(&c).is_ok(), "{c}");
        }
        for c in ['的', '中', '后', '乾', '干', '了'] {
            assert!(
                t.hans.binary_search(&c).is_err() && t.hant.binary_search(&c).is_err(),
                "{c}"
            );
        }
        // the per-code-point table says what the sorted lists say
        for c in (BMP_FROM..0x1_0000).filter_map(char::from_u32) {
            let want = if t.hans.binary_search(&c).is_ok() {
                HANS
            } else if t.hant.binary_search(&c).is_ok() {
                HANT
            } else {
                0
            };
            assert_eq!(t.bmp[(c as u32 - BMP_FROM) as usize], want, "{c}");
        }
    }

    #[test]
    fn thresholds() {
        let c = |hans, hant| ScriptCounts { hans, hant }.script();
        assert_eq!(c(0, 0), Script::None);
        assert_eq!(c(10, 0), Script::Hans);
        assert_eq!(c(8, 2), Script::Hans);
        assert_eq!(c(7, 3), Script::Mixed);
        assert_eq!(c(2, 8), Script::Hant);
        assert_eq!(c(1, 1), Script::Mixed);
    }
}
