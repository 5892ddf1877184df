//! jieba-rs with its dictionary loaded on demand.
//!
//! `jieba_rs::Jieba::new()` parses its 349,045-line dictionary and builds
//! its trie at every start: 0.2–0.35 s on the 2-core build machine, most of
//! it cache misses inserting into a 16 MB hash table, paid by every `zhen`
//! process before the first character is cut. Here the dictionary is
//! compiled at build time (`build.rs`) into words grouped by first
//! character, and a character's words are handed to jieba the first time a
//! text to cut contains that character. jieba only ever looks up words that
//! occur in the text it cuts, and each starts with one of its characters, so
//! the words it finds are the ones the full dictionary gives.
//!
//! What else the dictionary decides is its total frequency: every word's
//! probability is its frequency over the total. A placeholder word carries
//! the frequencies of the words not loaded yet, so the total is the full
//! dictionary's from the start, and each loaded word's log probability is
//! bit for bit what `Jieba::new()` computes. The placeholder is two
//! noncharacters U+FFFF: jieba runs its dictionary only over runs of Han,
//! Latin letters, digits and `+#&._%-`, and looks up other text one
//! character at a time, so the placeholder can never be found.
//!
//! The result: `tag` and `cut` give the same words and tags as with
//! `Jieba::new()` (tested on the corpus, on arbitrary text and with user
//! words), a two-character input loads a few thousand words instead of all,
//! and a long run loads the dictionary piece by piece as it goes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard};

use jieba_rs::Jieba;

/// The compiled dictionary (see `build.rs`).
static DICT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-dict.bin"));

/// The placeholder word that carries the frequency of the unloaded words.
const PLACEHOLDER: &str = "\u{FFFF}\u{FFFF}";

/// Little-endian `u32` at `at` of the compiled dictionary.
fn u32_at(at: usize) -> u32 {
    u32::from_le_bytes(DICT[at..at + 4].try_into().expect("4 bytes"))
}

/// The compiled dictionary's tables: its tags, and where its groups are.
struct Layout {
    total: u64,
    tags: Vec<&'static str>,
    /// Offset of the group table (12 bytes per group).
    groups: usize,
    ngroups: usize,
    /// Offset of the entries.
    entries: usize,
}

impl Layout {
    fn read() -> Layout {
        assert_eq!(
            &DICT[..8],
            b"ZJDICT01",
            "the dictionary compiled by build.rs"
        );
        let total = u64::from_le_bytes(DICT[8..16].try_into().expect("8 bytes"));
        let ntags = u32_at(16) as usize;
        let mut p = 20;
        let mut tags = Vec::with_capacity(ntags);
        for _ in 0..ntags {
            let n = DICT[p] as usize;
            tags.push(std::str::from_utf8(&DICT[p + 1..p + 1 + n]).expect("a UTF-8 tag"));
            p += 1 + n;
        }
        let ngroups = u32_at(p) as usize;
        let groups = p + 4;
        let entries = groups + 12 * ngroups + 4;
        Layout {
            total,
            tags,
            groups,
            ngroups,
            entries,
        }
    }

    /// Calls `f(word, freq, tag)` for every dictionary word starting with `c`.
    fn words_of(&self, c: char, mut f: impl FnMut(&'static str, usize, &'static str)) {
        let (mut lo, mut hi) = (0, self.ngroups);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let g = self.groups + 12 * mid;
            match u32_at(g).cmp(&(c as u32)) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let mut p = self.entries + u32_at(g + 4) as usize;
                    for _ in 0..u32_at(g + 8) {
                        let n = DICT[p] as usize;
                        let word = std::str::from_utf8(&DICT[p + 1..p + 1 + n]).expect("UTF-8");
                        p += 1 + n;
                        let freq = u32_at(p) as usize;
                        let tag = self.tags[DICT[p + 4] as usize];
                        p += 5;
                        f(word, freq, tag);
                    }
                    return;
                }
            }
        }
    }
}

pub(crate) struct State {
    jieba: Jieba,
    /// The frequency the placeholder still carries.
    unloaded: usize,
}

/// jieba-rs over the embedded dictionary, loaded a first character at a
/// time. `Send + Sync`.
pub(crate) struct LazyJieba {
    layout: Layout,
    state: RwLock<State>,
    /// One bit per code point: its words are loaded.
    loaded: Box<[AtomicU64]>,
}

impl LazyJieba {
    pub fn new() -> LazyJieba {
        let layout = Layout::read();
        let mut jieba = Jieba::empty();
        let unloaded = layout.total as usize;
        jieba.add_word(PLACEHOLDER, Some(unloaded), Some("x"));
        LazyJieba {
            layout,
            state: RwLock::new(State { jieba, unloaded }),
            loaded: (0..=char::MAX as usize / 64)
                .map(|_| AtomicU64::new(0))
                .collect(),
        }
    }

    fn is_loaded(&self, c: char) -> bool {
        let c = c as usize;
        self.loaded[c / 64].load(Ordering::Acquire) & (1 << (c % 64)) != 0
    }

    /// Loads the words of every character of `text` not loaded yet.
    fn load(&self, text: &str) {
        if text.chars().all(|c| self.is_loaded(c)) {
            return;
        }
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        let state = &mut *state;
        let before = state.unloaded;
        for c in text.chars() {
            if self.is_loaded(c) {
                continue;
            }
            self.layout.words_of(c, |word, freq, tag| {
                state.jieba.add_word(word, Some(freq), Some(tag));
                state.unloaded -= freq;
            });
            let c = c as usize;
            self.loaded[c / 64].fetch_or(1 << (c % 64), Ordering::Release);
        }
        if state.unloaded != before {
            state
                .jieba
                .add_word(PLACEHOLDER, Some(state.unloaded), Some("x"));
        }
    }

    /// jieba with every word that can occur in `text` loaded.
    pub fn for_text(&self, text: &str) -> RwLockReadGuard<'_, State> {
        self.load(text);
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a user word as `Jieba::add_word` does on the full dictionary:
    /// a dictionary word gets the new frequency (and keeps its tag), a new
    /// word is added; without a frequency jieba suggests one from the
    /// word's own cut.
    pub fn add_word(&self, word: &str, freq: Option<usize>, tag: Option<&str>) {
        self.load(word);
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.jieba.add_word(word, freq, tag);
    }
}

impl State {
    pub fn jieba(&self) -> &Jieba {
        &self.jieba
    }
}

/// The tags of the compiled dictionary and of jieba's guesses, as `'static`
/// strings: what a tag borrowed from a locked jieba becomes when it must
/// outlive the lock. Tags of user words (letters only) are interned once.
pub(crate) fn static_tag(tag: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Vec<&'static str>> = OnceLock::new();
    static USER: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let known = KNOWN.get_or_init(|| {
        let mut t = Layout::read().tags;
        // jieba's own guesses for words not in the dictionary
        t.extend(["x", "m", "eng"]);
        t.sort_unstable();
        t.dedup();
        t
    });
    if let Ok(i) = known.binary_search(&tag) {
        return known[i];
    }
    let mut user = USER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = user.iter().find(|t| **t == tag) {
        return t;
    }
    let t: &'static str = Box::leak(tag.to_string().into_boxed_str());
    user.push(t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn full() -> &'static Jieba {
        static J: OnceLock<Jieba> = OnceLock::new();
        J.get_or_init(Jieba::new)
    }

    /// One dictionary loaded piece by piece over every test input.
    fn lazy() -> &'static LazyJieba {
        static J: OnceLock<LazyJieba> = OnceLock::new();
        J.get_or_init(LazyJieba::new)
    }

    fn same(lazy: &LazyJieba, full: &Jieba, text: &str) {
        let j = lazy.for_text(text);
        let tags = |j: &Jieba| -> Vec<(String, String, usize)> {
            j.tag(text, true)
                .into_iter()
                .map(|t| (t.word.to_string(), t.tag.to_string(), t.byte_start))
                .collect()
        };
        assert_eq!(tags(j.jieba()), tags(full), "{text:?}");
        let cut = |j: &Jieba, hmm| -> Vec<String> {
            j.cut(text, hmm)
                .into_iter()
                .map(|t| t.word.to_string())
                .collect()
        };
        assert_eq!(cut(j.jieba(), false), cut(full, false), "{text:?}");
    }

    #[test]
    fn cuts_the_corpus_as_the_full_dictionary_does() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        // a fresh dictionary, loaded line by line as a run loads it
        let fresh = LazyJieba::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for line in text.lines() {
                same(&fresh, full(), line);
            }
            // and a whole document at once
            same(lazy(), full(), &text);
        }
    }

    #[test]
    fn user_words_change_the_cut_as_on_the_full_dictionary() {
        let lazy = LazyJieba::new();
        let mut full = Jieba::new();
        let text = "驻镇帮镇扶村工作队和中国科学院的石墨烯研究员在讲台上讨论";
        same(&lazy, &full, text);
        // a new word, a dictionary word with a new frequency, words whose
        // frequency jieba suggests, one with characters never seen before
        for (w, f, t) in [
            ("驻镇帮镇扶村", Some(100), Some("n")),
            ("中国", Some(5), Some("x")),
            ("石墨烯研究员", None, Some("n")),
            ("讲台上", None, None),
            ("鬱鬱蔥蔥", None, Some("a")),
        ] {
            lazy.add_word(w, f, t);
            full.add_word(w, f, t);
            same(&lazy, &full, text);
        }
        same(&lazy, &full, "他说鬱鬱蔥蔥的中国");
        assert_eq!(static_tag("nrfg"), "nrfg");
        assert_eq!(static_tag("zzuser"), static_tag("zzuser"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn cuts_arbitrary_text_as_the_full_dictionary_does(
            text in proptest::collection::vec(
                prop_oneof![
                    // common Han characters, as texts have them
                    (0x4E00u32..0x4F00).prop_map(|c| char::from_u32(c).unwrap()),
                    prop::sample::select(vec!['的', '中', '国', '人', '在', '北', '京', '是', '了']),
                    prop::sample::select(vec!['a', 'Z', '7', '.', '-', '%', '#', ' ', '\n', '，', '\u{FFFF}', '\r']),
                    any::<char>(),
                ],
                0..40,
            ).prop_map(|v| v.into_iter().collect::<String>())
        ) {
            same(lazy(), full(), &text);
            same(&LazyJieba::new(), full(), &text);
        }
    }

    #[test]
    fn the_compiled_dictionary_is_whole() {
        let l = Layout::read();
        let mut words = 0;
        let mut total = 0u64;
        for g in 0..l.ngroups {
            let c = char::from_u32(u32_at(l.groups + 12 * g)).unwrap();
            l.words_of(c, |w, f, _| {
                assert!(w.starts_with(c));
                words += 1;
                total += f as u64;
            });
        }
        assert_eq!(words, 349_045);
        assert_eq!(total, l.total);
        assert_eq!(l.tags.len(), 55);
        let mut found = None;
        l.words_of('中', |w, f, t| {
            if w == "中国" {
                found = Some((f, t));
            }
        });
        assert_eq!(found, Some((129_470, "ns")));
    }
}
