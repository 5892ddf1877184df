//! jieba-rs with its dictionary loaded on demand.
//!
//! `jieba_rs::Jieba::new()` parses its 349,045-line dictionary and builds
//! its trie at every start: 0.2–0.35 s on the 2-core build machine, most of
//! it cache misses inserting into a 16 MB hash table, paid by every `zhen`
//! process before the first character is cut. Here the dictionary is
//! compiled at build time (`build.rs`) into words keyed by their first two
//! characters, and a key's words are handed to jieba the first time a text
//! to cut contains those two characters side by side (a one-character word
//! the first time the text contains the character). jieba only ever looks
//! up words that occur in the text it cuts, and each such word's first two
//! characters occur there side by side, so the words it finds are the ones
//! the full dictionary gives. Keying by two characters instead of one loads
//! about a tenth of the words: corpus/ (both scripts) has 12,410 distinct
//! character pairs, which start 20,386 dictionary words, where its
//! characters start 228,990.
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
//! words), a two-character input loads a handful of words instead of all,
//! and a long run loads the dictionary piece by piece as it goes.

use std::ops::Range;
use std::sync::{RwLock, RwLockReadGuard};

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};

/// The compiled dictionary (see `build.rs`).
static DICT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-dict.bin"));

/// The placeholder word that carries the frequency of the unloaded words.
const PLACEHOLDER: &str = "\u{FFFF}\u{FFFF}";

/// Little-endian `u32` at `at` of the compiled dictionary.
fn u32_at(at: usize) -> u32 {
    u32::from_le_bytes(DICT[at..at + 4].try_into().expect("4 bytes"))
}

/// The `n` tags at `p` of a table compiled by `build.rs` (each a length
/// byte and its UTF-8 bytes), and the offset after them.
pub(crate) fn read_tags(data: &'static [u8], mut p: usize, n: usize) -> (Vec<&'static str>, usize) {
    let mut tags = Vec::with_capacity(n);
    for _ in 0..n {
        let len = data[p] as usize;
        tags.push(std::str::from_utf8(&data[p + 1..p + 1 + len]).expect("a UTF-8 tag"));
        p += 1 + len;
    }
    (tags, p)
}

/// The compiled dictionary's tables: its tags, and where its groups and
/// keys are.
struct Layout {
    total: u64,
    tags: Vec<&'static str>,
    /// Offset of the group table (12 bytes per first character).
    groups: usize,
    ngroups: usize,
    /// Offset of the key table (12 bytes per second character).
    keys: usize,
    /// Offset of the entries.
    entries: usize,
}

/// Binary search of `n` 12-byte records from `at` by their first `u32`.
fn find(at: usize, n: usize, x: u32) -> Option<usize> {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match u32_at(at + 12 * mid).cmp(&x) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(at + 12 * mid),
        }
    }
    None
}

impl Layout {
    fn read() -> Layout {
        assert_eq!(
            &DICT[..8],
            b"ZJDICT02",
            "the dictionary compiled by build.rs"
        );
        let total = u64::from_le_bytes(DICT[8..16].try_into().expect("8 bytes"));
        let ntags = u32_at(16) as usize;
        let (tags, p) = read_tags(DICT, 20, ntags);
        let ngroups = u32_at(p) as usize;
        let groups = p + 4;
        let nkeys = u32_at(groups + 12 * ngroups) as usize;
        let keys = groups + 12 * ngroups + 4;
        let entries = keys + 12 * nkeys + 4;
        Layout {
            total,
            tags,
            groups,
            ngroups,
            keys,
            entries,
        }
    }

    /// The first characters of dictionary words longer than one character.
    fn longer_starts(&self) -> Vec<char> {
        (0..self.ngroups)
            .filter_map(|g| {
                let at = self.groups + 12 * g;
                let (first, nkeys) = (u32_at(at + 4) as usize, u32_at(at + 8) as usize);
                // a group's keys other than the one-character word (0, first)
                let longer = nkeys > 1 || u32_at(self.keys + 12 * first) != 0;
                longer.then(|| char::from_u32(u32_at(at)).expect("a char"))
            })
            .collect()
    }

    /// Calls `f(word, freq, tag)` for every dictionary word whose first
    /// character is `first` and second `second` (`None`: the word that is
    /// `first` alone).
    fn words_of(
        &self,
        first: char,
        second: Option<char>,
        mut f: impl FnMut(&'static str, usize, &'static str),
    ) {
        // (no word has a NUL second character: key 0 is the word `first`)
        if second == Some('\0') {
            return;
        }
        let Some(g) = find(self.groups, self.ngroups, first as u32) else {
            return;
        };
        let keys = self.keys + 12 * u32_at(g + 4) as usize;
        let Some(k) = find(keys, u32_at(g + 8) as usize, second.map_or(0, |c| c as u32)) else {
            return;
        };
        let mut p = self.entries + u32_at(k + 4) as usize;
        for _ in 0..u32_at(k + 8) {
            let n = DICT[p] as usize;
            let word = std::str::from_utf8(&DICT[p + 1..p + 1 + n]).expect("UTF-8");
            p += 1 + n;
            let freq = u32_at(p) as usize;
            let tag = self.tags[DICT[p + 4] as usize];
            p += 5;
            f(word, freq, tag);
        }
    }
}

/// The tags of the dictionary words loaded: words of up to 15 bytes (five
/// Chinese characters: nearly every word a text is cut into) are keys of
/// their own bytes, so that a lookup reads the table's slot and not also
/// the word's bytes in the dictionary, a cache miss per word of the text
/// (`State::tag`'s `memcmp` was 1.5 % of an `annotate`'s time); longer
/// words are keyed by the dictionary's string.
#[derive(Default)]
struct WordTags {
    short: FxHashMap<u128, &'static str>,
    long: FxHashMap<&'static str, &'static str>,
}

/// `word`'s bytes and length in one `u128` (the length in the last byte),
/// if it has at most 15 bytes.
#[inline]
fn short_key(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    if b.len() > 15 {
        return None;
    }
    let mut a = [0u8; 16];
    a[..b.len()].copy_from_slice(b);
    a[15] = b.len() as u8;
    Some(u128::from_le_bytes(a))
}

impl WordTags {
    /// Records `word`'s tag unless it has one (jieba keeps the first).
    fn insert(&mut self, word: &'static str, tag: &'static str) {
        match short_key(word) {
            Some(k) => self.short.entry(k).or_insert(tag),
            None => self.long.entry(word).or_insert(tag),
        };
    }

    #[inline]
    fn get(&self, word: &str) -> Option<&'static str> {
        match short_key(word) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(word).copied(),
        }
    }
}

/// A bit per code point.
struct CharSet(Box<[u64]>);

impl CharSet {
    fn new() -> CharSet {
        CharSet(vec![0; char::MAX as usize / 64 + 1].into_boxed_slice())
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        let c = c as usize;
        self.0[c / 64] & (1 << (c % 64)) != 0
    }

    fn insert(&mut self, c: char) {
        let c = c as usize;
        self.0[c / 64] |= 1 << (c % 64);
    }
}

/// Two characters side by side as one key.
#[inline]
fn pair(a: char, b: char) -> u64 {
    (a as u64) << 32 | b as u64
}

pub(crate) struct State {
    jieba: Jieba,
    /// The frequency the placeholder still carries.
    unloaded: usize,
    /// Characters whose one-character word is loaded.
    chars: CharSet,
    /// Pairs of characters whose words are loaded.
    pairs: FxHashSet<u64>,
    /// The tag of every word loaded from the dictionary (the first one
    /// added, as jieba keeps it).
    dict_tags: WordTags,
    /// The tags of the user's words that are not dictionary words.
    user_tags: FxHashMap<Box<str>, &'static str>,
}

/// jieba-rs over the embedded dictionary, loaded two first characters at
/// a time. `Send + Sync`.
pub(crate) struct LazyJieba {
    layout: Layout,
    /// The first characters of words longer than one character: a pair
    /// that starts with another character has no words.
    longer: CharSet,
    state: RwLock<State>,
}

impl LazyJieba {
    pub fn new() -> LazyJieba {
        let layout = Layout::read();
        let mut longer = CharSet::new();
        for c in layout.longer_starts() {
            longer.insert(c);
        }
        let mut jieba = Jieba::empty();
        let unloaded = layout.total as usize;
        jieba.add_word(PLACEHOLDER, Some(unloaded), Some("x"));
        let mut dict_tags = WordTags::default();
        dict_tags.insert(PLACEHOLDER, "x");
        LazyJieba {
            layout,
            longer,
            state: RwLock::new(State {
                jieba,
                unloaded,
                chars: CharSet::new(),
                pairs: FxHashSet::default(),
                dict_tags,
                user_tags: FxHashMap::default(),
            }),
        }
    }

    /// Whether every word that can occur in `text` is loaded.
    fn all_loaded(&self, state: &State, text: &str) -> bool {
        let mut prev: Option<char> = None;
        for c in text.chars() {
            if !state.chars.contains(c) {
                return false;
            }
            if let Some(p) = prev {
                if self.longer.contains(p) && !state.pairs.contains(&pair(p, c)) {
                    return false;
                }
            }
            prev = Some(c);
        }
        true
    }

    /// Loads the words of every character and pair of `text` not loaded yet.
    fn load(&self, text: &str) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        let State {
            jieba,
            unloaded,
            chars,
            pairs,
            dict_tags,
            ..
        } = &mut *state;
        let before = *unloaded;
        let mut add = |word: &'static str, freq: usize, tag: &'static str| {
            jieba.add_word(word, Some(freq), Some(tag));
            dict_tags.insert(word, tag);
            *unloaded -= freq;
        };
        let mut prev: Option<char> = None;
        for c in text.chars() {
            if !chars.contains(c) {
                self.layout.words_of(c, None, &mut add);
                chars.insert(c);
            }
            if let Some(p) = prev {
                if self.longer.contains(p) && pairs.insert(pair(p, c)) {
                    self.layout.words_of(p, Some(c), &mut add);
                }
            }
            prev = Some(c);
        }
        if *unloaded != before {
            jieba.add_word(PLACEHOLDER, Some(*unloaded), Some("x"));
        }
    }

    /// jieba with every word that can occur in `text` loaded.
    pub fn for_text(&self, text: &str) -> RwLockReadGuard<'_, State> {
        {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            if self.all_loaded(&state, text) {
                return state;
            }
        }
        // (another thread may load more in between: more words than the
        // text can hold never change its cut)
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
        if word.is_empty() {
            return;
        }
        state.jieba.add_word(word, freq, tag);
        // (jieba keeps the tag a word was first added with)
        if state.dict_tags.get(word).is_none() {
            let tag = static_tag(tag.unwrap_or(""));
            state.user_tags.entry(word.into()).or_insert(tag);
        }
    }
}

impl State {
    #[cfg(test)]
    pub fn jieba(&self) -> &Jieba {
        &self.jieba
    }

    /// jieba's words of `text` and their tags, as `Jieba::tag(text, true)`
    /// gives them: the dictionary's tag of a dictionary word, jieba's
    /// guess for any other. Calls `f(byte range, tag)` in text order.
    pub fn tag(&self, text: &str, mut f: impl FnMut(Range<usize>, &'static str)) {
        for t in self.jieba.cut(text, true) {
            let tag = match self.dict_tags.get(t.word) {
                Some(tag) => tag,
                None => match self.user_tags.get(t.word) {
                    Some(&tag) => tag,
                    None => crate::posseg::guess_tag(t.word),
                },
            };
            f(t.byte_start..t.byte_end, tag);
        }
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
        // and zhen's own tagging of jieba's cut (its guesses by the
        // compiled part-of-speech model)
        let mut ours = Vec::new();
        j.tag(text, |r, t| {
            ours.push((text[r.clone()].to_string(), t.to_string(), r.start))
        });
        assert_eq!(ours, tags(full), "{text:?}");
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

    /// Several MB of CCTV news (`$ZHEN_DATA/unlabeled/xwlb`, see
    /// HELPERS.md), when the research data is there: words and tags as
    /// jieba-rs gives them, line by line.
    #[test]
    fn tags_news_as_jieba_rs_does() {
        use std::io::Read;
        let data = std::env::var("ZHEN_DATA").map_or_else(
            |_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
            std::path::PathBuf::from,
        );
        let path = data.join("unlabeled/xwlb/2021.txt.gz");
        let Ok(file) = std::fs::File::open(&path) else {
            eprintln!("skipped: no {}", path.display());
            return;
        };
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .take(4_000_000)
            .read_to_end(&mut bytes)
            .unwrap();
        // (whole lines only)
        bytes.truncate(bytes.iter().rposition(|&b| b == b'\n').unwrap_or(0));
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 100, "{}", path.display());
        let fresh = LazyJieba::new();
        for line in lines {
            let j = fresh.for_text(line);
            let mut ours = Vec::new();
            j.tag(line, |r, t| ours.push((r, t)));
            let theirs: Vec<_> = full()
                .tag(line, true)
                .into_iter()
                .map(|t| (t.byte_start..t.byte_end, t.tag))
                .collect();
            assert_eq!(ours, theirs, "{line:?}");
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
            let at = l.groups + 12 * g;
            let c = char::from_u32(u32_at(at)).unwrap();
            let first = u32_at(at + 4) as usize;
            for k in first..first + u32_at(at + 8) as usize {
                let second = char::from_u32(u32_at(l.keys + 12 * k)).filter(|&s| s != '\0');
                l.words_of(c, second, |w, f, _| {
                    let mut cs = w.chars();
                    assert_eq!(cs.next(), Some(c));
                    assert_eq!(cs.next(), second);
                    words += 1;
                    total += f as u64;
                });
            }
        }
        assert_eq!(words, 349_045);
        assert_eq!(total, l.total);
        assert_eq!(l.tags.len(), 55);
        let mut found = None;
        l.words_of('中', Some('国'), |w, f, t| {
            if w == "中国" {
                found = Some((f, t));
            }
        });
        assert_eq!(found, Some((129_470, "ns")));
    }
}
