//! Feature extraction: every feature is a template id and its parts hashed
//! into one `u64` key, so extraction allocates nothing per feature.

use std::collections::HashMap;

use crate::mem::HashTable;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for keys that are already well-mixed `u64` hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// `HashMap` keyed by pre-hashed `u64`s.
pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

const K: u64 = 0x517c_c1b7_2722_0a95;

/// Combines a hash with one more part (FxHash's step).
#[inline(always)]
pub(crate) fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// The final avalanche (splitmix64) of a feature key. The low 4 bits are
/// cleared: bit 3 marks a grouped feature and bits 0–2 its member index (see
/// [`group`]); a key is never 0 (0 marks an empty table slot).
#[inline(always)]
pub(crate) fn fin(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z & !15).max(16)
}

/// Bit marking a grouped feature key.
pub(crate) const GROUPED: u64 = 8;

/// Bit marking a grouped key of the unigram table (models with
/// [`flags::GROUP_UNIGRAMS`]; their n-gram group keys have it cleared).
pub(crate) const UNIGRAM_GROUP: u64 = 16;

/// Hash of a string's bytes.
#[inline]
pub(crate) fn str_hash(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
    }
    let mut last = 0u64;
    for (i, &x) in chunks.remainder().iter().enumerate() {
        last |= (x as u64) << (8 * i);
    }
    mix(h, last)
}

/// Lexicon categories (bit positions of a match mask).
pub mod cat {
    /// Any dictionary word of two or more units.
    pub const WORD: u16 = 0;
    /// Place name.
    pub const LOC: u16 = 1;
    /// Organisation name.
    pub const ORG: u16 = 2;
    /// Person name.
    pub const PER: u16 = 3;
    /// Place suffix (省, 市, 县, …).
    pub const LOC_SUFFIX: u16 = 4;
    /// Organisation suffix (局, 公司, 大学, …).
    pub const ORG_SUFFIX: u16 = 5;
    /// Title next to a name (书记, 主任, …).
    pub const TITLE: u16 = 6;
    /// Surname.
    pub const SURNAME: u16 = 7;
    /// Other proper name (jieba `nz`; CoNLL MISC).
    pub const MISC: u16 = 8;
    /// Place from a curated list (Chinese: administrative divisions and
    /// world place names, `scripts/gazetteer-zh`), kept apart from the
    /// dictionary's `LOC` so the model learns how far to trust each.
    pub const PLACE: u16 = 9;
    /// Township or street from a curated list (Chinese: `scripts/gazetteer-zh`),
    /// apart from [`PLACE`] because more of these names are also words.
    pub const TOWN: u16 = 10;
    /// A frequent string of unlabeled news that is rarely an entity (policy
    /// slogans, products, titles: `scripts/phrases-zh`), so the model can
    /// learn that a place suffix inside it (农村人居环境) ends no place.
    pub const PHRASE: u16 = 11;
    /// Number of categories.
    pub const COUNT: usize = 12;
    /// Names of the categories, in bit order (used in lexicon files).
    pub const NAMES: [&str; COUNT] = [
        "WORD", "LOC", "ORG", "PER", "LOCSUF", "ORGSUF", "TITLE", "SURNAME", "MISC", "PLACE",
        "TOWN", "PHRASE",
    ];
}

/// Cluster ids of strings learnt from unlabeled text, up to three of
/// increasing granularity per string, 10 bits each. English: lowercased
/// words ([`Clusters::insert`]). Chinese ([`Clusters::insert_zh`]):
/// characters, character bigrams and the segmenter's words, each kind
/// clustered on its own.
#[derive(Clone, Debug, Default)]
pub struct Clusters {
    map: HashTable,
}

/// Kinds of Chinese cluster entries (the seed of their keys).
const ZH_CHAR: u64 = 0xc1;
const ZH_BIGRAM: u64 = 0xb2;
const ZH_WORD: u64 = 0x3d;

/// Key of a Chinese cluster entry: a full avalanche, since the table indexes
/// by the key's high bits.
#[inline(always)]
fn zh_key(kind: u64, a: u64, b: u64) -> u64 {
    let mut z = mix(mix(kind, a), b);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Packs up to three ids below 1023, coarsest first (0: no cluster).
fn pack_ids(ids: &[u32]) -> Option<u32> {
    if ids.is_empty() || ids.len() > 3 || ids.iter().any(|&i| i >= 1023) {
        return None;
    }
    let mut packed = 0u32;
    for (k, &id) in ids.iter().enumerate() {
        packed |= (id + 1) << (10 * k);
    }
    Some(packed)
}

impl Clusters {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no word has a cluster.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds `word` (lowercased here) with its cluster ids, coarsest first.
    /// Returns false when there are more than three ids or an id is ≥ 1023.
    pub fn insert(&mut self, word: &str, ids: &[u32]) -> bool {
        let Some(packed) = pack_ids(ids) else {
            return false;
        };
        *self.map.entry(str_hash(&word.to_lowercase()), 0) = packed;
        true
    }

    /// Adds a Chinese entry with its cluster ids, coarsest first: `entry` is
    /// `c:X` (character X), `b:XY` (the bigram XY) or `w:WORD` (a word as the
    /// segmenter cuts it). Returns false for another form, more than three
    /// ids or an id ≥ 1023.
    pub fn insert_zh(&mut self, entry: &str, ids: &[u32]) -> bool {
        let Some(packed) = pack_ids(ids) else {
            return false;
        };
        let Some((kind, s)) = entry.split_once(':') else {
            return false;
        };
        let mut cs = s.chars();
        let key = match (kind, cs.next(), cs.next(), cs.next()) {
            ("c", Some(a), None, _) => zh_key(ZH_CHAR, a as u64, 0),
            ("b", Some(a), Some(b), None) => zh_key(ZH_BIGRAM, a as u64, b as u64),
            ("w", Some(_), _, _) => zh_key(ZH_WORD, str_hash(s), 0),
            _ => return false,
        };
        *self.map.entry(key, 0) = packed;
        true
    }

    /// Packed ids of character `c` (0: none).
    #[inline]
    fn zh_char(&self, c: u64) -> u32 {
        self.map.get(zh_key(ZH_CHAR, c, 0)).unwrap_or(0)
    }

    /// Packed ids of the bigram `a b` (0: none).
    #[inline]
    fn zh_bigram(&self, a: u64, b: u64) -> u32 {
        self.map.get(zh_key(ZH_BIGRAM, a, b)).unwrap_or(0)
    }

    /// Asks for the table slot of the bigram `a b` ahead of its lookup.
    #[inline]
    fn prefetch_bigram(&self, a: u64, b: u64) {
        self.map.prefetch(zh_key(ZH_BIGRAM, a, b));
    }

    /// Packed ids of the word whose [`str_hash`] is `h` (0: none).
    #[inline]
    fn zh_word(&self, h: u64) -> u32 {
        self.map.get(zh_key(ZH_WORD, h, 0)).unwrap_or(0)
    }

    /// The packed ids of a lowercased word's hash (0: no cluster).
    #[inline]
    pub(crate) fn get(&self, lower_hash: u64) -> u32 {
        self.map.get(lower_hash).unwrap_or(0)
    }

    /// Every (hash, packed ids), sorted by hash.
    pub(crate) fn compiled(&self) -> Vec<(u64, u32)> {
        self.map.sorted()
    }

    /// Rebuilds from [`Clusters::compiled`] pairs.
    pub(crate) fn from_compiled(pairs: &[(u64, u32)]) -> Clusters {
        Clusters {
            map: HashTable::from_pairs(pairs.iter().copied()),
        }
    }

    /// Clusters whose table was read from a model file.
    pub(crate) fn from_table(map: HashTable) -> Clusters {
        Clusters { map }
    }
}

/// A dictionary of unit sequences (characters for Chinese, tokens for
/// English), each with a mask of categories ([`cat`]). Stored compiled: the
/// hash of every entry and of every prefix of an entry, so matching walks
/// the hash forward and allocates nothing, and loading rebuilds no strings.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    // key of a prefix -> category mask << 1 | is a proper prefix of a longer entry
    map: HashTable,
    entries: usize,
    max_len: usize,
    tokens: bool,
}

const LEX_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

impl Lexicon {
    /// A lexicon over characters (`tokens == false`, entries are strings) or
    /// over tokens (`tokens == true`, entries are tokens joined by a space).
    pub fn new(tokens: bool) -> Lexicon {
        Lexicon {
            tokens,
            ..Lexicon::default()
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the lexicon has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Whether entries are token sequences (English) rather than strings.
    pub fn is_tokens(&self) -> bool {
        self.tokens
    }

    /// Categories of `word` (0 when absent).
    pub fn get(&self, word: &str) -> u16 {
        self.get_units(&self.units(word))
    }

    /// Categories of the entry made of `units` ([`unit_hash_char`] or
    /// [`unit_hash_token`] values; 0 when absent).
    pub(crate) fn get_units(&self, units: &[u64]) -> u16 {
        let mut h = LEX_SEED;
        for &u in units {
            h = mix(h, u);
        }
        self.map.get(h).map_or(0, |v| (v >> 1) as u16)
    }

    fn units(&self, w: &str) -> Vec<u64> {
        if self.tokens {
            w.split(' ').map(str_hash).collect()
        } else {
            w.chars().map(|c| c as u64).collect()
        }
    }

    /// Adds categories `mask` to entry `word` (merged with an existing entry).
    pub fn insert(&mut self, word: &str, mask: u16) {
        let units = self.units(word);
        if units.is_empty() || mask == 0 {
            return;
        }
        let mut h = LEX_SEED;
        for (i, &u) in units.iter().enumerate() {
            h = mix(h, u);
            let e = self.map.entry(h, 0);
            if i + 1 == units.len() {
                if *e >> 1 == 0 {
                    self.entries += 1;
                }
                *e |= (mask as u32) << 1;
            } else {
                *e |= 1;
            }
        }
        self.max_len = self.max_len.max(units.len());
    }

    /// The compiled entries: `(key, mask << 1 | is_prefix)`, sorted by key.
    pub(crate) fn compiled(&self) -> Vec<(u64, u32)> {
        self.map.sorted()
    }

    /// Rebuilds a lexicon from [`Lexicon::compiled`] entries.
    pub(crate) fn from_compiled(
        tokens: bool,
        max_len: usize,
        entries: impl ExactSizeIterator<Item = (u64, u32)>,
    ) -> Lexicon {
        let map = HashTable::from_pairs(entries);
        let n = map.iter().filter(|&(_, v)| v >> 1 != 0).count();
        Lexicon {
            map,
            entries: n,
            max_len,
            tokens,
        }
    }

    /// A lexicon whose compiled table was read from a model file, with its
    /// number of entries.
    pub(crate) fn from_table(
        tokens: bool,
        max_len: usize,
        entries: usize,
        map: HashTable,
    ) -> Lexicon {
        Lexicon {
            map,
            entries,
            max_len,
            tokens,
        }
    }

    /// Categories of the one-unit entry with unit hash `u` (0 when absent).
    #[inline]
    pub(crate) fn get_unit(&self, u: u64) -> u16 {
        self.map
            .get(mix(LEX_SEED, u))
            .map_or(0, |v| (v >> 1) as u16)
    }

    /// Length in units of the longest entry.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Calls `f(start, end, mask)` for every entry found in `units` (unit hashes
    /// as made by [`unit_hash_char`]/[`unit_hash_token`]).
    #[inline]
    pub(crate) fn matches(&self, units: &[u64], mut f: impl FnMut(usize, usize, u16)) {
        if self.map.is_empty() {
            return;
        }
        // The first lookups of a start position go to random slots of a
        // large table: ask for them a few positions ahead.
        const AHEAD: usize = 8;
        for s in 0..units.len() {
            let mut h = LEX_SEED;
            for &u in units.iter().skip(s + AHEAD).take(3) {
                h = mix(h, u);
                self.map.prefetch(h);
            }
            let mut h = LEX_SEED;
            for (e, &u) in units.iter().enumerate().skip(s).take(self.max_len) {
                h = mix(h, u);
                match self.map.get(h) {
                    None => break,
                    Some(v) => {
                        if v >> 1 != 0 {
                            f(s, e + 1, (v >> 1) as u16);
                        }
                        if v & 1 == 0 {
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Unit hash of a character (for [`Lexicon`] matching).
#[inline]
pub(crate) fn unit_hash_char(c: char) -> u64 {
    c as u64
}

/// Unit hash of a token (for [`Lexicon`] matching).
#[inline]
pub(crate) fn unit_hash_token(t: &str) -> u64 {
    str_hash(t)
}

/// Feature families that can be switched off (for ablations); stored in the model.
pub mod flags {
    /// Character or word n-grams beyond unigrams.
    pub const NGRAMS: u32 = 1;
    /// Character types / word shapes.
    pub const SHAPE: u32 = 2;
    /// Lexicon match features.
    pub const LEXICON: u32 = 4;
    /// Features of lexicon matches next to the unit (boundary cues).
    pub const LEX_CONTEXT: u32 = 8;
    /// Character trigrams.
    pub const TRIGRAMS: u32 = 16;
    /// Words of a greedy longest-match segmentation with the lexicon (Chinese).
    pub const WORDS: u32 = 32;
    /// English: whether the lowercased word was seen lowercased in the
    /// training text (tells sentence-initial `The` from a name).
    pub const CASED: u32 = 64;
    /// Chinese: characters at ±3 and the distance to the next place or
    /// organisation suffix within 8 characters.
    pub const WIDE: u32 = 128;
    /// All of the above.
    pub const ALL: u32 = 255;
    /// Cluster ids from a cluster file given at training time (stored in
    /// the model). English: of the lowercased word and its neighbours.
    /// Chinese (needs [`GROUP_UNIGRAMS`]): of the characters in a ±2 window,
    /// of the character bigrams around the character, and (with
    /// [`SEGMENTS`]) of the segmenter's word and its neighbours.
    pub const CLUSTERS: u32 = 512;
    /// Layout, not a feature family (Chinese): the character unigram
    /// features of all window positions share one table slot per character,
    /// so tagging looks a character up once instead of once per position.
    /// The features and the trained model are the same as without it.
    pub const GROUP_UNIGRAMS: u32 = 256;
    /// Person entities get tags of their own for their second unit (`I₂`,
    /// `E₂`; see [`crate::TagSet::with_second`]), so the model knows an
    /// entity's length up to three units: Chinese names are two or three
    /// characters, and lists of names without separators need the length.
    pub const SECOND_PER: u32 = 1024;
    /// Chinese: the words and POS tags of the segmenter (zhen-tokenize's
    /// jieba cut, as the pipeline's tokens): the tag and the word with the
    /// character's place in the word, the tag with the word's length, and
    /// the neighbouring words' tags at word edges. Callers that have the
    /// tokens pass them ([`crate::Text::words`]); otherwise a segmenter
    /// cuts the sentence ([`crate::TagOptions::segmenter`]).
    pub const SEGMENTS: u32 = 2048;
    /// English, a step after decoding, not a feature: titles stay outside
    /// the entities, as CoNLL-2003 tags them. An honorific
    /// ([`crate::is_honorific`]: `Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Dr`,
    /// `Prof`, `Professor`, `Sir`, `Dame`, with or without a period) at the
    /// start of a person entity is left out (`Mr/O Galloway/B-PER`,
    /// `Sir/O John/B-PER Gorst/I-PER`), and a place, organisation or other
    /// entity that starts with one (not `Miss`: `Miss Universe`) is a person
    /// after it (`Dr/O Fauci/B-PER`); a member title
    /// ([`crate::is_member_title`]: `MP`, `MEP` and their plurals) is never
    /// inside an entity (an entity is cut there); an entity left empty is
    /// dropped. In a model with [`CLUSTERS`], a person entity then starts
    /// back over the capitalised words right before it, outside every
    /// entity, that are name parts: words without a cluster (`Aung`,
    /// `Tayyip`) or of a cluster whose capitalised words CoNLL-2003 train
    /// has inside a name before a name (`San`, `Sheikh`; not `President`,
    /// `King`; `crates/ner/data/name-clusters-en.txt`), in ordinary-case
    /// sentences with a word in lower case (`Aung San Suu Kyi`, not `Suu
    /// Kyi`). Training ignores it (gold data follows the convention or
    /// not); tagging and the dev scores of training apply it.
    /// [`crate::NerModel::set_title_rule`] switches it on any English model.
    pub const TITLES: u32 = 4096;
    /// Chinese, with [`SEGMENTS`]: a segmenter word that the lexicon lists
    /// as a place ([`crate::cat::LOC`]) gets the place tag `ns` in the
    /// segment features whatever the segmenter tagged it, so a prefecture
    /// that jieba's dictionary calls an adjective (清远 `a`) looks like one it
    /// calls a place (韶关 `ns`). Off in zh-news-4 and zh-news-8.
    pub const LEX_POS: u32 = 8192;
    /// Chinese, with [`LEXICON`]: how far the next end of an organisation
    /// suffix or name lies within the clause (no clause punctuation between;
    /// up to 26 characters, in buckets), beyond [`WIDE`]'s 8 characters, so an
    /// organisation name that starts with places and ends far away
    /// (广州市派驻清远市连南县寨岗镇工作队) can be seen from its first
    /// character: the distance to any suffix end, and to a strong one (an
    /// organisation of the lexicon or a suffix of two or more characters)
    /// alone, with whether a place starts here, with the number of places
    /// ending between and (with [`SEGMENTS`]) of verbs between. On in zh-news-8.
    pub const ORG_REACH: u32 = 16384;
    /// English, a step after decoding, not a feature: a person entity
    /// whose words the lexicon lists as an organisation and as nothing else
    /// (no place, person, surname or other name: `Johnson Controls`), a
    /// place entity so listed that does not follow `the` (`Walmart`), and a
    /// person or place entity that is one word of zhen's company list
    /// ([`crate::is_listed_company`]: `Huawei`, `Tencent`), becomes an
    /// organisation, unless an honorific stands before it (`Mr Tencent`
    /// stays a person). The model still decides where an entity is; the
    /// lists only say which label a known company gets.
    /// [`crate::NerModel::set_company_rule`] switches it on any English
    /// model.
    pub const COMPANIES: u32 = 32768;
    /// English: the case of the whole sentence (`features::sentence_case`) as
    /// users meet it beside newswire: all lower case (social media) or every
    /// word capitalised (headlines). In such a sentence the features that
    /// read capitals (the token as written, shapes, capitalisation bits, the
    /// cluster-with-capitals feature) and the gazetteer matches are features
    /// of that case of their own, so training on lower- and title-cased copies
    /// (`scripts/case-en`) teaches them without moving the weights that
    /// ordinary text uses; the case-blind features (lower-cased words,
    /// affixes, word n-grams, clusters) are shared. In lower case the
    /// gazetteer is matched with every word capitalised (`new york` finds
    /// `New York`). Ordinary and all-capitals sentences get the features
    /// they get without the flag.
    pub const CASE_MODES: u32 = 65536;
    /// English, with [`CASE_MODES`]: every feature of a lower- or title-case
    /// sentence is a feature of that case, the case-blind ones too, so the
    /// weights that ordinary text uses learn from ordinary sentences alone
    /// and a lower- or title-cased training copy moves only its own.
    pub const CASE_SPLIT: u32 = 131072;
    /// A second-order decoder, not a feature: besides the scores of two tags
    /// in a row, the model learns one for every three tags in a row (label
    /// trigrams: how an entity's end, the next one's start and what lies
    /// between go together), and Viterbi search runs over pairs of tags.
    /// The feature weights are those of the first-order model; the model
    /// file has a section more (`transitions2`, `ntags³` scores).
    pub const SECOND_ORDER: u32 = 262144;
    /// Chinese, with [`LEXICON`]: conventions per source kept in the model
    /// (set by training files with a source name, `zhen train-ner
    /// --train-domain NAME=FILE`): a few features private to each source
    /// (a tag bias, the lexicon categories at the character, the character)
    /// trained on that source's sentences beside the shared ones, and a
    /// register classifier over character unigrams and bigrams (and, since
    /// zh-news-9.1, the edges of a sentence's pieces; [`crate::RegisterTrainer`]),
    /// stored in the model, that picks a source for each document from its
    /// text at tagging time ([`crate::NerModel::domain_of`]).
    pub const DOMAINS: u32 = 4194304;
    /// With [`DOMAINS`]: the features private to a source are the tag bias
    /// and the lexicon categories only, without the character (`zhen
    /// train-ner --no-domain-char`): fewer rows and one lookup less per
    /// character. Off unless asked for.
    pub const DOMAIN_NO_CHAR: u32 = 8388608;
    /// Every flag this version knows; a model with other bits is refused.
    pub const KNOWN: u32 = ALL
        | DOMAINS
        | DOMAIN_NO_CHAR
        | CLUSTERS
        | GROUP_UNIGRAMS
        | SECOND_PER
        | SEGMENTS
        | TITLES
        | LEX_POS
        | ORG_REACH
        | COMPANIES
        | CASE_MODES
        | CASE_SPLIT
        | SECOND_ORDER;
    /// The default: all but [`TRIGRAMS`] and [`CASED`], which did not help on
    /// held-out data (see models/README.md), in the [`GROUP_UNIGRAMS`] layout.
    pub const DEFAULT: u32 = NGRAMS | SHAPE | LEXICON | LEX_CONTEXT | WORDS | GROUP_UNIGRAMS;
}

/// One character's word in a segmentation: the word's hash, its tag's
/// hash, the character's place in it (0 B, 1 I, 2 E, 3 S) and the word's
/// length in characters (at most 255).
pub(crate) type SegUnit = (u64, u64, u8, u8);

/// Per-character [`SegUnit`]s of `sentence` from words given as byte ranges
/// of it with tags. Characters outside every word (whitespace) are words of
/// their own with an empty tag; overlapping or misaligned ranges are cut to
/// character boundaries in order.
pub(crate) fn seg_units(sentence: &str, words: &[(std::ops::Range<usize>, &str)]) -> Vec<SegUnit> {
    let offs: Vec<usize> = sentence.char_indices().map(|(b, _)| b).collect();
    let n = offs.len();
    let char_at = |b: usize| offs.partition_point(|&o| o < b);
    let mut out: Vec<SegUnit> = Vec::with_capacity(n);
    let push_word = |out: &mut Vec<SegUnit>, a: usize, e: usize, tag: &str| {
        let text = &sentence[offs[a]..offs.get(e).copied().unwrap_or(sentence.len())];
        let (wh, th, len) = (str_hash(text), str_hash(tag), (e - a).min(255) as u8);
        for i in a..e {
            let part = if e - a == 1 {
                3
            } else if i == a {
                0
            } else if i + 1 == e {
                2
            } else {
                1
            };
            out.push((wh, th, part, len));
        }
    };
    for (r, tag) in words {
        let (a, e) = (char_at(r.start).max(out.len()), char_at(r.end).min(n));
        while out.len() < a {
            let k = out.len();
            push_word(&mut out, k, k + 1, "");
        }
        if a < e {
            push_word(&mut out, a, e, tag);
        }
    }
    while out.len() < n {
        let k = out.len();
        push_word(&mut out, k, k + 1, "");
    }
    out
}

const BOS: u64 = 0x11_0001;
const EOS: u64 = 0x11_0002;

/// Reusable buffers for feature extraction of one sentence.
#[derive(Default)]
pub(crate) struct FeatBuf {
    /// Feature keys of all positions.
    pub feats: Vec<u64>,
    /// `feats[offsets[i]..offsets[i+1]]` are the features of position `i`.
    pub offsets: Vec<u32>,
    /// Grouped features stored once for all the positions that see them:
    /// `(key | GROUPED, anchor, width)` gives position `anchor - s` member
    /// `s` (`key | s`) for every `s < width` with the position in the sentence.
    pub spread: Vec<(u64, u32, u32)>,
    units: Vec<u64>,
    types: Vec<u8>,
    start_len: Vec<[u8; cat::COUNT]>,
    word: Vec<(u64, u8, u8)>,
    end_len: Vec<[u8; cat::COUNT]>,
    inside: Vec<u16>,
    /// Per unit, the categories with an entry starting there (`start_len`
    /// above 0) and ending there (`end_len` above 0).
    start_mask: Vec<u16>,
    end_mask: Vec<u16>,
    /// Packed cluster ids per character ([`flags::CLUSTERS`]).
    char_clusters: Vec<u32>,
    /// Packed cluster ids of each character's segmenter word.
    word_clusters: Vec<u32>,
    /// The segmenter's tag of each character's word, `ns` where the
    /// lexicon lists the word as a place ([`flags::LEX_POS`]).
    seg_tags: Vec<u64>,
    /// Per character, the next end of any organisation suffix or name and of
    /// a strong one in the clause ([`flags::ORG_REACH`]; `u32::MAX`: none).
    org_next: Vec<[u32; 2]>,
    /// Places ending before each character, and verbs starting before it
    /// (prefix counts, [`flags::ORG_REACH`]).
    places_before: Vec<u16>,
    verbs_before: Vec<u16>,
}

impl FeatBuf {
    /// Position `i`'s unit hash and its lexicon categories (starting,
    /// ending and inside there, packed) after an extraction with
    /// [`flags::LEXICON`] (0 where there was none).
    pub(crate) fn unit_cues(&self, i: usize) -> (u64, u64) {
        let m = |v: &Vec<u16>| v.get(i).copied().unwrap_or(0) as u64;
        let lex = if self.start_mask.len() == self.units.len() {
            m(&self.start_mask) | m(&self.end_mask) << 16 | m(&self.inside) << 32
        } else {
            0
        };
        (self.units.get(i).copied().unwrap_or(0), lex)
    }

    pub fn of(&self, i: usize) -> &[u64] {
        &self.feats[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Moves the [`FeatBuf::spread`] features into the per-position lists
    /// (after each position's own features), for code that walks positions.
    pub fn flatten(&mut self) {
        if self.spread.is_empty() {
            return;
        }
        let n = self.offsets.len().saturating_sub(1);
        let mut extra: Vec<Vec<u64>> = vec![Vec::new(); n];
        for &(key, anchor, width) in &self.spread {
            for sub in 0..width {
                if let Some(pos) = anchor.checked_sub(sub) {
                    if let Some(list) = extra.get_mut(pos as usize) {
                        list.push(key | sub as u64);
                    }
                }
            }
        }
        let mut feats =
            Vec::with_capacity(self.feats.len() + extra.iter().map(Vec::len).sum::<usize>());
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for (i, more) in extra.iter().enumerate() {
            feats.extend_from_slice(self.of(i));
            feats.extend_from_slice(more);
            offsets.push(feats.len() as u32);
        }
        self.feats = feats;
        self.offsets = offsets;
        self.spread.clear();
    }
}

/// The starting hash of template `t`: a full 64-bit scramble, so the parts
/// of different templates never cancel (with `mix(t, a)` directly, template
/// ids differ in a few low bits and `f1(2, a)` equalled `f1(4, a ^ 192)`: the
/// unigram of one character at −2 shared its weights with another at 0).
/// `t` is a constant at every call, so this folds away.
#[inline(always)]
const fn tpl(t: u64) -> u64 {
    let mut z = t.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
#[inline(always)]
fn f1(t: u64, a: u64) -> u64 {
    fin(mix(mix(tpl(t), a), 0))
}
#[inline(always)]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    fin(mix(mix(tpl(t), a), b))
}
#[inline(always)]
fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    fin(mix(mix(mix(tpl(t), a), b), c))
}

/// Character class for Chinese features.
fn char_type(c: char) -> u64 {
    match c {
        '零' | '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        | '百' | '千' | '万' | '亿' | '两' | '几' => 1,
        '0'..='9' | '０'..='９' => 2,
        'a'..='z' | 'A'..='Z' | 'ａ'..='ｚ' | 'Ａ'..='Ｚ' => 3,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2ffff}' => 4,
        '·' | '•' | '．' | '-' | '—' => 5,
        c if c.is_whitespace() => 6,
        c if c.is_alphanumeric() => 7,
        _ => 8,
    }
}

fn lexicon_pass(buf: &mut FeatBuf, lex: &Lexicon, n: usize) {
    buf.start_len.clear();
    buf.start_len.resize(n, [0; cat::COUNT]);
    buf.end_len.clear();
    buf.end_len.resize(n, [0; cat::COUNT]);
    buf.inside.clear();
    buf.inside.resize(n, 0);
    buf.start_mask.clear();
    buf.start_mask.resize(n, 0);
    buf.end_mask.clear();
    buf.end_mask.resize(n, 0);
    let (sl, el, ins) = (&mut buf.start_len, &mut buf.end_len, &mut buf.inside);
    let (sm, em) = (&mut buf.start_mask, &mut buf.end_mask);
    lex.matches(&buf.units, |s, e, mask| {
        let mask = mask & CATS;
        if mask == 0 {
            return;
        }
        let len = (e - s).min(255) as u8;
        sm[s] |= mask;
        em[e - 1] |= mask;
        if e - s > 2 {
            for x in &mut ins[s + 1..e - 1] {
                *x |= mask;
            }
        }
        for g in bits(mask) {
            sl[s][g] = sl[s][g].max(len);
            el[e - 1][g] = el[e - 1][g].max(len);
        }
    });
}

/// Every category ([`cat`]) bit of a mask.
const CATS: u16 = (1 << cat::COUNT) - 1;

/// The set bits of `mask`, lowest first.
#[inline(always)]
fn bits(mut mask: u16) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let g = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            g
        })
    })
}

fn push_lexicon_feats(buf: &mut FeatBuf, i: usize, n: usize, flags: u32, salt: u64) {
    // only the categories with a feature here, in category order
    let mut here = buf.start_mask[i] | buf.end_mask[i] | buf.inside[i];
    if flags & flags::LEX_CONTEXT != 0 {
        if i > 0 {
            here |= buf.end_mask[i - 1];
        }
        if i + 1 < n {
            here |= buf.start_mask[i + 1];
        }
    }
    for g in bits(here & CATS) {
        let gs = g as u64;
        let s = buf.start_len[i][g];
        if s > 0 {
            buf.feats.push(f2(40 + salt, gs, s.min(6) as u64));
        }
        let e = buf.end_len[i][g];
        if e > 0 {
            buf.feats.push(f2(41 + salt, gs, e.min(6) as u64));
        }
        if buf.inside[i] & (1 << g) != 0 {
            buf.feats.push(f1(42 + salt, gs));
        }
        if flags & flags::LEX_CONTEXT != 0 {
            if i > 0 && buf.end_len[i - 1][g] > 0 {
                buf.feats
                    .push(f2(43 + salt, gs, buf.end_len[i - 1][g].min(4) as u64));
            }
            if i + 1 < n && buf.start_len[i + 1][g] > 0 {
                buf.feats
                    .push(f2(44 + salt, gs, buf.start_len[i + 1][g].min(4) as u64));
            }
        }
    }
}

/// Extracts Chinese character features of a sentence into `buf`.
pub(crate) fn extract_zh(
    chars: &[char],
    lex: &Lexicon,
    clusters: &Clusters,
    flags: u32,
    extra: Option<&[Vec<String>]>,
    seg: Option<&[SegUnit]>,
    buf: &mut FeatBuf,
) {
    let n = chars.len();
    buf.feats.clear();
    buf.offsets.clear();
    buf.units.clear();
    buf.units.extend(chars.iter().map(|&c| unit_hash_char(c)));
    if flags & flags::LEXICON != 0 {
        lexicon_pass(buf, lex, n);
        if flags & flags::WORDS != 0 {
            segment(buf, n);
        }
    }
    let c = |j: isize| -> u64 {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            chars[j as usize] as u64
        }
    };
    let mut types = std::mem::take(&mut buf.types);
    types.clear();
    types.extend(chars.iter().map(|&c| char_type(c) as u8));
    let ty = |j: isize| -> u64 {
        if j < 0 || j as usize >= n {
            0
        } else {
            types[j as usize] as u64
        }
    };
    // Grouped n-grams, once per n-gram: the one starting at character k is
    // member s of the group at position k + 2 - s (bigrams: positions
    // k-1..=k+2 see it as p1 p2, c0 p1, m1 c0, m2 m1; trigrams k..=k+2).
    // With GROUP_UNIGRAMS, the character k is member s of the unigram group
    // at position k + r - s, r the window radius (3 with WIDE, else 2).
    let grouped_unigrams = flags & flags::GROUP_UNIGRAMS != 0;
    let ngram_key = |k: u64| {
        if grouped_unigrams {
            (k & !UNIGRAM_GROUP) | GROUPED
        } else {
            k | GROUPED
        }
    };
    buf.spread.clear();
    if n > 0 {
        for k in -2..=n as isize {
            let anchor = (k + 2) as u32;
            if flags & flags::NGRAMS != 0 {
                buf.spread
                    .push((ngram_key(f2(7, c(k), c(k + 1))), anchor, 4));
            }
            if flags & flags::TRIGRAMS != 0 && k < n as isize {
                buf.spread
                    .push((ngram_key(f3(12, c(k), c(k + 1), c(k + 2))), anchor, 3));
            }
        }
        if grouped_unigrams {
            let r: isize = if flags & flags::WIDE != 0 { 3 } else { 2 };
            for k in -r..n as isize + r {
                let key = f2(60, r as u64, c(k)) | UNIGRAM_GROUP | GROUPED;
                buf.spread.push((key, (k + r) as u32, 2 * r as u32 + 1));
            }
            if flags & flags::CLUSTERS != 0 {
                cluster_groups(chars, clusters, buf);
            }
        }
    }
    let seg = seg.filter(|s| flags & flags::SEGMENTS != 0 && s.len() == n);
    let word_clusters = flags & flags::CLUSTERS != 0 && seg.is_some();
    if let Some(seg) = seg.filter(|_| word_clusters) {
        buf.word_clusters.clear();
        let mut here = 0;
        for u in seg {
            if u.2 == 0 || u.2 == 3 {
                here = clusters.zh_word(u.0);
            }
            buf.word_clusters.push(here);
        }
    }
    let lex_pos = seg.is_some() && flags & flags::LEX_POS != 0;
    if let Some(seg) = seg.filter(|_| lex_pos) {
        let ns = str_hash("ns");
        buf.seg_tags.clear();
        let mut here = 0;
        for (i, u) in seg.iter().enumerate() {
            if u.2 == 0 || u.2 == 3 {
                here = u.1;
                let end = i + u.3 as usize;
                if end <= n && lex.get_units(&buf.units[i..end]) & (1 << cat::LOC) != 0 {
                    here = ns;
                }
            }
            buf.seg_tags.push(here);
        }
    }
    let reach = flags & flags::ORG_REACH != 0 && flags & flags::LEXICON != 0;
    if reach {
        org_reach(chars, seg, buf);
    }
    buf.offsets.push(0);
    for i in 0..n {
        let x = i as isize;
        let (m2, m1, c0, p1, p2) = (c(x - 2), c(x - 1), c(x), c(x + 1), c(x + 2));
        let f = &mut buf.feats;
        f.push(f1(1, 0));
        if !grouped_unigrams {
            f.push(f1(2, m2));
            f.push(f1(3, m1));
            f.push(f1(4, c0));
            f.push(f1(5, p1));
            f.push(f1(6, p2));
        }
        if flags & flags::NGRAMS != 0 {
            // bigram group (m2 m1, m1 c0, c0 p1, p1 p2): in `buf.spread`
            f.push(f2(11, m1, p1));
        }
        if flags & flags::WIDE != 0 {
            if !grouped_unigrams {
                f.push(f1(18, c(x - 3)));
                f.push(f1(19, c(x + 3)));
            }
            if flags & flags::LEXICON != 0 {
                for g in [cat::LOC_SUFFIX, cat::ORG_SUFFIX] {
                    let g = g as usize;
                    if let Some(d) = (1..=8).find(|d| i + d < n && buf.start_len[i + d][g] > 0) {
                        f.push(f2(20, g as u64, d as u64));
                    }
                }
            }
        }
        if reach {
            push_reach_feats(buf, i, seg.is_some());
        }
        let f = &mut buf.feats;
        if flags & flags::SHAPE != 0 {
            let (t0, tm, tp) = (ty(x), ty(x - 1), ty(x + 1));
            f.push(f1(15, t0));
            f.push(f3(16, tm, t0, tp));
            f.push(f3(17, ty(x - 2) * 16 + tm, t0, tp * 16 + ty(x + 2)));
        }
        if flags & flags::LEXICON != 0 {
            push_lexicon_feats(buf, i, n, flags, 0);
            if flags & flags::WORDS != 0 {
                let (w, pos, len) = buf.word[i];
                buf.feats.push(f2(50, w, pos as u64));
                buf.feats.push(f2(51, len.min(6) as u64, pos as u64));
                if i > 0 && pos == 0 {
                    buf.feats.push(f2(52, buf.word[i - 1].0, 0));
                }
                if i + 1 < n && pos + 1 == len {
                    buf.feats.push(f2(53, buf.word[i + 1].0, 0));
                }
            }
        }
        if let Some(seg) = seg {
            let tags = &buf.seg_tags;
            let tag_at = |j: usize| if lex_pos { tags[j] } else { seg[j].1 };
            let (w, _, part, len) = seg[i];
            let tag = tag_at(i);
            let f = &mut buf.feats;
            if word_clusters {
                // the word's clusters with the character's place in it; the
                // neighbouring words' middle level at the word's edges
                let wc = &buf.word_clusters;
                let here = wc[i] as u64;
                for g in 0..3 {
                    f.push(f3(80, g, here >> (10 * g) & 0x3ff, part as u64));
                }
                if part == 0 || part == 3 {
                    let prev = if i > 0 {
                        wc[i - 1] as u64 >> 10 & 0x3ff
                    } else {
                        0x3ff
                    };
                    f.push(f2(81, prev, here >> 10 & 0x3ff));
                }
                if part == 2 || part == 3 {
                    let next = if i + 1 < n {
                        wc[i + 1] as u64 >> 10 & 0x3ff
                    } else {
                        0x3ff
                    };
                    f.push(f2(82, here >> 10 & 0x3ff, next));
                }
            }
            f.push(f2(70, tag, part as u64));
            f.push(f2(71, w, part as u64));
            f.push(f3(72, tag, part as u64, len.min(4) as u64));
            if part == 0 || part == 3 {
                f.push(f2(73, if i > 0 { tag_at(i - 1) } else { BOS }, tag));
            }
            if part == 2 || part == 3 {
                f.push(f2(74, tag, if i + 1 < n { tag_at(i + 1) } else { EOS }));
            }
        }
        if let Some(extra) = extra {
            if let Some(list) = extra.get(i) {
                for s in list {
                    buf.feats.push(f1(90, str_hash(s)));
                }
            }
        }
        buf.offsets.push(buf.feats.len() as u32);
    }
    buf.types = types;
}

/// Characters that end a clause for [`flags::ORG_REACH`] (brackets and
/// quotes do not: 中国长江航运（集团）总公司 is one name).
fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '！' | '？' | '、' | ',' | ';' | ':' | '!' | '?' | '…'
    ) || c.is_whitespace()
}

/// Distance bucket of [`flags::ORG_REACH`] (0: none within reach).
fn reach_bucket(d: u32) -> u64 {
    match d {
        1 | 2 => d as u64,
        3..=4 => 3,
        5..=6 => 4,
        7..=9 => 5,
        10..=13 => 6,
        14..=18 => 7,
        19..=26 => 8,
        _ => 0,
    }
}

/// Fills [`FeatBuf::org_next`], [`FeatBuf::places_before`] and
/// [`FeatBuf::verbs_before`] (after the lexicon pass).
fn org_reach(chars: &[char], seg: Option<&[SegUnit]>, buf: &mut FeatBuf) {
    let n = chars.len();
    let org = (1u16 << cat::ORG_SUFFIX) | (1 << cat::ORG);
    let places = (1u16 << cat::LOC) | (1 << cat::PLACE) | (1 << cat::TOWN);
    buf.org_next.clear();
    buf.org_next.resize(n, [u32::MAX; 2]);
    let mut next = [u32::MAX; 2];
    for i in (0..n).rev() {
        buf.org_next[i] = next;
        if ends_clause(chars[i]) {
            next = [u32::MAX; 2];
        } else if buf.end_mask[i] & org != 0 {
            next[0] = i as u32;
            if buf.end_len[i][cat::ORG as usize] > 0
                || buf.end_len[i][cat::ORG_SUFFIX as usize] >= 2
            {
                next[1] = i as u32;
            }
        }
    }
    buf.places_before.clear();
    let mut k = 0u16;
    for i in 0..n {
        buf.places_before.push(k);
        if buf.end_mask[i] & places != 0 {
            k = k.saturating_add(1);
        }
    }
    buf.places_before.push(k);
    buf.verbs_before.clear();
    if let Some(seg) = seg {
        let verbs = [
            str_hash("v"),
            str_hash("vd"),
            str_hash("vi"),
            str_hash("vg"),
        ];
        let mut k = 0u16;
        for u in seg {
            buf.verbs_before.push(k);
            if (u.2 == 0 || u.2 == 3) && verbs.contains(&u.1) {
                k = k.saturating_add(1);
            }
        }
        buf.verbs_before.push(k);
    }
}

/// The [`flags::ORG_REACH`] features of character `i`.
fn push_reach_feats(buf: &mut FeatBuf, i: usize, seg: bool) {
    let places = (1u16 << cat::LOC) | (1 << cat::PLACE) | (1 << cat::TOWN);
    let [any, strong] = buf.org_next[i];
    let d = |j: u32| if j == u32::MAX { 0 } else { j - i as u32 };
    buf.feats.push(f1(21, reach_bucket(d(any))));
    let b = reach_bucket(d(strong));
    buf.feats.push(f1(22, b));
    if b == 0 {
        return;
    }
    let j = strong as usize;
    let starts_place = (buf.start_mask[i] & places != 0) as u64;
    let between = buf.places_before[j] - buf.places_before[i];
    buf.feats.push(f2(23, b, starts_place));
    buf.feats.push(f2(24, b, between.min(3) as u64));
    if seg && buf.verbs_before.len() > j {
        let verbs = buf.verbs_before[j] - buf.verbs_before[i + 1].min(buf.verbs_before[j]);
        buf.feats.push(f2(25, b, verbs.min(2) as u64));
    }
}

/// The grouped cluster features of a sentence ([`flags::CLUSTERS`], Chinese):
/// each character's ids at the three levels, seen from the positions ±2
/// around it (one slot of the unigram table per id), and each bigram's ids,
/// seen from the four positions that see the bigram (one slot of the n-gram
/// table per id).
fn cluster_groups(chars: &[char], clusters: &Clusters, buf: &mut FeatBuf) {
    let n = chars.len();
    buf.char_clusters.clear();
    buf.char_clusters
        .extend(chars.iter().map(|&c| clusters.zh_char(c as u64)));
    for (k, &p) in buf.char_clusters.iter().enumerate() {
        for g in 0..3u64 {
            let key = f2(83, g, (p >> (10 * g)) as u64 & 0x3ff) | UNIGRAM_GROUP | GROUPED;
            buf.spread.push((key, (k + 2) as u32, 5));
        }
    }
    // bigram lookups go to random slots of a large table: ask ahead
    const AHEAD: usize = 8;
    for k in 0..n.saturating_sub(1).min(AHEAD) {
        clusters.prefetch_bigram(chars[k] as u64, chars[k + 1] as u64);
    }
    for k in 0..n.saturating_sub(1) {
        if k + AHEAD + 1 < n {
            clusters.prefetch_bigram(chars[k + AHEAD] as u64, chars[k + AHEAD + 1] as u64);
        }
        let p = clusters.zh_bigram(chars[k] as u64, chars[k + 1] as u64);
        for g in 0..3u64 {
            let key = (f2(84, g, (p >> (10 * g)) as u64 & 0x3ff) & !UNIGRAM_GROUP) | GROUPED;
            buf.spread.push((key, (k + 2) as u32, 4));
        }
    }
}

/// Greedy longest-match segmentation with the lexicon's words: for every
/// unit, the word's hash, the unit's position in it and the word's length.
fn segment(buf: &mut FeatBuf, n: usize) {
    buf.word.clear();
    let mut i = 0;
    while i < n {
        let mut len = 1usize;
        for g in [cat::WORD, cat::LOC, cat::ORG, cat::PER, cat::PLACE] {
            len = len.max(buf.start_len[i][g as usize] as usize);
        }
        let len = len.min(n - i);
        let mut h = 0x77u64;
        for &u in &buf.units[i..i + len] {
            h = mix(h, u);
        }
        for p in 0..len {
            buf.word.push((h, p as u8, len as u8));
        }
        i += len;
    }
}

/// Word shape: `Xxxx` → `Xx`, `IBM` → `X`, `1996` → `d`, `U.S.` → `X.X.`.
fn shape(w: &str, short: bool) -> u64 {
    let mut h = 0x1234u64;
    let mut last = 0u8;
    let mut len = 0;
    for ch in w.chars() {
        let k = if ch.is_uppercase() {
            b'X'
        } else if ch.is_lowercase() {
            b'x'
        } else if ch.is_ascii_digit() {
            b'd'
        } else {
            match ch {
                '.' | ',' | '-' | '\'' | '&' | '/' => ch as u8,
                _ => b'#',
            }
        };
        if short && k == last {
            continue;
        }
        if !short && k == last {
            len += 1;
            if len > 3 {
                continue;
            }
        } else {
            len = 0;
        }
        last = k;
        h = mix(h, k as u64);
    }
    h
}

/// The case a whole English sentence is written in ([`flags::CASE_MODES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SentenceCase {
    /// Newswire case, or all capitals (which the capitalisation bits already
    /// mark): the features of a model without the flag.
    Ordinary,
    /// No capital letter anywhere, and at least one word with letters
    /// (`biden and trump debate tonight`).
    Lower,
    /// Four or more words with letters, every one of them starting with a
    /// capital, one of them a capitalised function word ([`HEADLINE_WORDS`]:
    /// `For`, `At`), and not all in capitals (`Xi Calls For Unity At Party
    /// Meeting`; not a results table, `Hove : Sussex 363 ( W. Athey 111 )`).
    Title,
}

/// Function words that a headline in title case capitalises and a name
/// rarely holds ([`SentenceCase::Title`]), sorted.
const HEADLINE_WORDS: [&str; 40] = [
    "A", "About", "After", "Against", "Amid", "An", "And", "Are", "As", "At", "Be", "Before",
    "But", "By", "For", "From", "Has", "Have", "In", "Into", "Is", "Its", "Not", "Of", "On", "Or",
    "Out", "Over", "Says", "Than", "That", "The", "To", "Under", "Up", "Was", "Were", "Will",
    "With", "Without",
];

/// The case of a tokenised sentence; see [`SentenceCase`].
pub(crate) fn sentence_case(tokens: &[&str]) -> SentenceCase {
    let (mut words, mut capitalised, mut any_upper, mut any_lower) = (0, 0, false, false);
    let mut function_word = false;
    for t in tokens {
        let Some(first) = t.chars().find(|c| c.is_alphabetic()) else {
            continue;
        };
        words += 1;
        capitalised += usize::from(first.is_uppercase() && t.starts_with(first));
        any_upper |= t.chars().any(char::is_uppercase);
        any_lower |= t.chars().any(char::is_lowercase);
        function_word |= HEADLINE_WORDS.binary_search(t).is_ok();
    }
    if words > 0 && !any_upper {
        SentenceCase::Lower
    } else if words >= 4 && capitalised == words && any_lower && function_word {
        SentenceCase::Title
    } else {
        SentenceCase::Ordinary
    }
}

/// `t` with its first character in upper case (`york` → `York`).
pub(crate) fn capitalised(t: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect::<String>().into(),
        _ => t.into(),
    }
}

/// Extracts English token features of a sentence into `buf`.
pub(crate) fn extract_en(
    tokens: &[&str],
    lex: &Lexicon,
    clusters: &Clusters,
    flags: u32,
    extra: Option<&[Vec<String>]>,
    buf: &mut FeatBuf,
) {
    let n = tokens.len();
    buf.spread.clear();
    buf.feats.clear();
    buf.offsets.clear();
    buf.units.clear();
    buf.units.extend(tokens.iter().map(|t| unit_hash_token(t)));
    let mode = if flags & flags::CASE_MODES != 0 {
        sentence_case(tokens)
    } else {
        SentenceCase::Ordinary
    };
    // the template ids of the features that read capitals, and of the
    // gazetteer matches, move by this much in a lower- or title-case sentence
    let salt = match mode {
        SentenceCase::Ordinary => 0,
        SentenceCase::Lower => 1000,
        SentenceCase::Title => 2000,
    };
    // the case-blind templates move too with CASE_SPLIT
    let split = if flags & flags::CASE_SPLIT != 0 {
        salt
    } else {
        0
    };
    if flags & flags::LEXICON != 0 {
        if mode == SentenceCase::Lower {
            // match the gazetteer as if every word were capitalised
            let written = std::mem::take(&mut buf.units);
            buf.units
                .extend(tokens.iter().map(|t| unit_hash_token(&capitalised(t))));
            lexicon_pass(buf, lex, n);
            buf.units = written;
        } else {
            lexicon_pass(buf, lex, n);
        }
    }
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let lh: Vec<u64> = lower.iter().map(|t| str_hash(t)).collect();
    let sh: Vec<u64> = tokens.iter().map(|t| shape(t, true)).collect();
    let all_caps_sentence = tokens
        .iter()
        .filter(|t| t.chars().any(|c| c.is_alphabetic()))
        .all(|t| !t.chars().any(|c| c.is_lowercase()));
    let l = |j: isize| -> u64 {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            lh[j as usize]
        }
    };
    let s = |j: isize| -> u64 {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            sh[j as usize]
        }
    };
    buf.offsets.push(0);
    for i in 0..n {
        let x = i as isize;
        let w = tokens[i];
        let lw = &lower[i];
        let f = &mut buf.feats;
        f.push(f1(1 + split, 0));
        f.push(f1(2 + salt, buf.units[i]));
        f.push(f1(3 + split, lh[i]));
        f.push(f1(4 + salt, shape(w, false)));
        f.push(f1(5 + salt, sh[i]));
        let chars: Vec<char> = lw.chars().collect();
        for k in 1..=4.min(chars.len()) {
            let pre: String = chars[..k].iter().collect();
            let suf: String = chars[chars.len() - k..].iter().collect();
            f.push(f2(6 + split, k as u64, str_hash(&pre)));
            f.push(f2(7 + split, k as u64, str_hash(&suf)));
        }
        let first = w.chars().next().unwrap_or(' ');
        let cap = first.is_uppercase();
        let all_caps = w.chars().any(|c| c.is_alphabetic()) && !w.chars().any(|c| c.is_lowercase());
        let bits = cap as u64
            | (all_caps as u64) << 1
            | (w.chars().any(|c| c.is_ascii_digit()) as u64) << 2
            | (w.contains('-') as u64) << 3
            | (w.contains('.') as u64) << 4
            | (!w.chars().any(|c| c.is_alphanumeric()) as u64) << 5
            | ((i == 0) as u64) << 6
            | (all_caps_sentence as u64) << 7;
        f.push(f1(8 + salt, bits));
        if flags & flags::CASED != 0 {
            let seen = lex.get_unit(lh[i]) & (1 << cat::WORD) != 0;
            f.push(f2(30 + salt, seen as u64, bits & 0x43));
        }
        f.push(f2(9 + salt, bits, lh[i]));
        f.push(f1(10 + split, l(x - 1)));
        f.push(f1(11 + split, l(x + 1)));
        f.push(f1(12 + split, l(x - 2)));
        f.push(f1(13 + split, l(x + 2)));
        if flags & flags::SHAPE != 0 {
            f.push(f1(14 + salt, s(x - 1)));
            f.push(f1(15 + salt, s(x + 1)));
            f.push(f3(16 + salt, s(x - 1), sh[i], s(x + 1)));
            f.push(f2(17 + salt, l(x - 1), sh[i]));
            f.push(f2(18 + salt, sh[i], l(x + 1)));
            f.push(f3(19 + salt, s(x - 2), s(x - 1), sh[i]));
            f.push(f3(20 + salt, sh[i], s(x + 1), s(x + 2)));
        }
        if flags & flags::NGRAMS != 0 {
            f.push(f2(21 + split, l(x - 1), lh[i]));
            f.push(f2(22 + split, lh[i], l(x + 1)));
            f.push(f2(23 + split, l(x - 2), l(x - 1)));
            f.push(f2(24 + split, l(x + 1), l(x + 2)));
            f.push(f2(25 + split, l(x - 1), l(x + 1)));
        }
        if flags & flags::CLUSTERS != 0 {
            // 10-bit fields, coarsest first; 0 = the word has no cluster.
            let c = |j: isize| -> u64 {
                if j < 0 || j as usize >= n {
                    0x3ff_ffff
                } else {
                    clusters.get(lh[j as usize]) as u64
                }
            };
            let here = c(x);
            for g in 0..3 {
                f.push(f2(31 + split, g, here >> (10 * g) & 0x3ff));
            }
            // middle level with capitalisation; neighbours at the middle level;
            // cluster bigrams at the coarsest level
            f.push(f2(32 + salt, here >> 10 & 0x3ff, bits & 0x43));
            f.push(f1(33 + split, c(x - 1) >> 10 & 0x3ff));
            f.push(f1(34 + split, c(x + 1) >> 10 & 0x3ff));
            f.push(f2(35 + split, c(x - 1) & 0x3ff, here & 0x3ff));
            f.push(f2(36 + split, here & 0x3ff, c(x + 1) & 0x3ff));
        }
        if flags & flags::LEXICON != 0 {
            push_lexicon_feats(buf, i, n, flags, salt);
        }
        if let Some(extra) = extra {
            if let Some(list) = extra.get(i) {
                for s in list {
                    buf.feats.push(f1(90 + split, str_hash(s)));
                }
            }
        }
        buf.offsets.push(buf.feats.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seg_units_cover_every_character_once() {
        let s = "崔现忠 前往罗定市";
        // words as byte ranges: 崔现忠 | (space uncovered) | 前往 | 罗定市
        let words = vec![(0..9, "nr"), (10..16, "v"), (16..25, "ns")];
        let u = seg_units(s, &words);
        assert_eq!(u.len(), s.chars().count());
        let parts: Vec<u8> = u.iter().map(|x| x.2).collect();
        assert_eq!(parts, vec![0, 1, 2, 3, 0, 2, 0, 1, 2]);
        let lens: Vec<u8> = u.iter().map(|x| x.3).collect();
        assert_eq!(lens, vec![3, 3, 3, 1, 2, 2, 3, 3, 3]);
        assert_eq!(u[0].1, str_hash("nr"));
        assert_eq!(u[3].1, str_hash(""), "the space is a word of its own");
        assert_eq!(u[0].0, u[2].0);
        assert_ne!(u[0].0, u[4].0);
        // overlapping or out-of-range words never give more or fewer units
        let bad = vec![(0..6, "a"), (3..12, "b"), (20..40, "c")];
        assert_eq!(seg_units(s, &bad).len(), 9);
        assert_eq!(seg_units(s, &[]).len(), 9);
    }

    #[test]
    fn org_reach_sees_a_far_organisation_suffix_within_the_clause() {
        let mut lex = Lexicon::new(false);
        lex.insert("工作队", 1 << cat::ORG_SUFFIX);
        lex.insert("广州市", (1 << cat::WORD) | (1 << cat::LOC));
        let cl = Clusters::default();
        let feats = |s: &str, flags: u32| {
            let chars: Vec<char> = s.chars().collect();
            let mut buf = FeatBuf::default();
            extract_zh(&chars, &lex, &cl, flags, None, None, &mut buf);
            buf.flatten();
            (0..chars.len())
                .map(|i| buf.of(i).to_vec())
                .collect::<Vec<_>>()
        };
        let on = flags::DEFAULT | flags::ORG_REACH;
        let far = feats("广州市派驻清远市连南县寨岗镇工作队", on);
        // from its first character (17 to the suffix's end): bucket 14–18,
        // a place starts here
        assert!(far[0].contains(&f1(22, 7)));
        assert!(far[0].contains(&f2(23, 7, 1)));
        assert!(far[1].contains(&f1(22, 7)));
        assert!(far[1].contains(&f2(23, 7, 0)));
        // at the suffix's own end there is none further on
        assert!(far[16].contains(&f1(22, 0)));
        // a comma ends the clause: nothing reaches past it
        let cut = feats("广州市派驻，清远市连南县寨岗镇工作队", on);
        assert!(cut[0].contains(&f1(22, 0)));
        assert!(cut[0].contains(&f1(21, 0)));
        // brackets do not end it
        let br = feats("广州市（派驻）清远市连南县工作队", on);
        assert!(br[0].contains(&f1(22, 7)));
        // without the flag the features are those of the default
        let off = feats("广州市派驻清远市连南县寨岗镇工作队", flags::DEFAULT);
        for (a, b) in off.iter().zip(&far) {
            assert!(a.iter().all(|k| b.contains(k)));
            assert!(!a.contains(&f1(22, 7)) && !a.contains(&f1(22, 0)));
        }
    }

    #[test]
    fn lex_pos_gives_listed_places_the_place_tag() {
        let mut lex = Lexicon::new(false);
        lex.insert("清远", (1 << cat::WORD) | (1 << cat::LOC));
        lex.insert("清新", 1 << cat::WORD);
        let cl = Clusters::default();
        let feats = |s: &str, tag: &str, flags: u32| {
            let chars: Vec<char> = s.chars().collect();
            let words = vec![(0..6, tag), (6..9, "v")];
            let seg = seg_units(s, &words);
            let mut buf = FeatBuf::default();
            extract_zh(&chars, &lex, &cl, flags, None, Some(&seg), &mut buf);
            buf.flatten();
            (0..3).map(|i| buf.of(i).to_vec()).collect::<Vec<_>>()
        };
        let on = flags::DEFAULT | flags::SEGMENTS | flags::LEX_POS;
        let off = flags::DEFAULT | flags::SEGMENTS;
        // a listed place tagged `a` by the segmenter: as if tagged `ns`, at
        // its own characters and at the next word's edge
        assert_eq!(feats("清远说", "a", on), feats("清远说", "ns", off));
        assert_ne!(feats("清远说", "a", off), feats("清远说", "ns", off));
        // a word the lexicon does not list as a place keeps its tag
        assert_eq!(feats("清新说", "a", on), feats("清新说", "a", off));
    }

    #[test]
    fn chinese_cluster_features_follow_the_cluster_ids() {
        let lex = Lexicon::new(false);
        let mut cl = Clusters::default();
        assert!(cl.insert_zh("c:清", &[1, 10, 100]));
        assert!(cl.insert_zh("c:韶", &[1, 10, 101]));
        assert!(cl.insert_zh("b:清远", &[2, 20, 200]));
        assert!(cl.insert_zh("b:韶关", &[2, 20, 201]));
        assert!(cl.insert_zh("w:清远", &[3, 30, 300]));
        assert!(cl.insert_zh("w:韶关", &[3, 30, 301]));
        assert!(
            !cl.insert_zh("c:清远", &[1]),
            "a character entry has one character"
        );
        assert!(!cl.insert_zh("b:清", &[1]), "a bigram entry has two");
        assert!(!cl.insert_zh("q:清", &[1]), "unknown kind");
        assert!(!cl.insert_zh("清远", &[1]), "no kind");
        assert_eq!(cl.len(), 6);
        let flags = flags::DEFAULT | flags::SEGMENTS | flags::CLUSTERS;
        let feats = |s: &str, flags: u32| {
            let chars: Vec<char> = s.chars().collect();
            let words = vec![(0..6, "ns"), (6..9, "v")];
            let seg = seg_units(s, &words);
            let mut buf = FeatBuf::default();
            extract_zh(&chars, &lex, &cl, flags, None, Some(&seg), &mut buf);
            buf.flatten();
            buf.of(0).to_vec()
        };
        let shared = |x: &[u64], y: &[u64]| x.iter().filter(|f| y.contains(f)).count();
        let (q, s) = (feats("清远说", flags), feats("韶关说", flags));
        let (q0, s0) = (
            feats("清远说", flags::DEFAULT | flags::SEGMENTS),
            feats("韶关说", flags::DEFAULT | flags::SEGMENTS),
        );
        // per level: character 3, bigram 3, word 3 (+ its right neighbour); the
        // two finest levels differ, the coarse ones agree
        let extra = shared(&q, &s) - shared(&q0, &s0);
        assert!(
            extra >= 6,
            "coarse and middle cluster levels are shared: {extra}"
        );
        assert!(q.len() - q0.len() >= 9, "{} vs {}", q.len(), q0.len());
        assert!(shared(&q, &s) < q.len());
    }

    #[test]
    fn sentence_case_tells_lower_title_and_ordinary_text() {
        let case = |s: &str| sentence_case(&s.split(' ').collect::<Vec<_>>());
        assert_eq!(
            case("biden and trump debate tonight on cnn"),
            SentenceCase::Lower
        );
        assert_eq!(case("is chatgpt down ?"), SentenceCase::Lower);
        assert_eq!(
            case("Xi Calls For Unity At Party Meeting"),
            SentenceCase::Title
        );
        assert_eq!(
            case("Microsoft To Buy Activision For $69 Billion"),
            SentenceCase::Title
        );
        assert_eq!(case("Biden met Xi in Woodside ."), SentenceCase::Ordinary);
        assert_eq!(
            case("LEICESTERSHIRE TAKE OVER AT TOP"),
            SentenceCase::Ordinary
        );
        // too short to tell a headline from a name
        assert_eq!(case("Phil Simmons"), SentenceCase::Ordinary);
        assert_eq!(case("1996-08-30 , 12"), SentenceCase::Ordinary);
        // `iPhone` does not start with a capital
        assert_eq!(
            case("Apple Shows New iPhone At Event"),
            SentenceCase::Ordinary
        );
        // a results table capitalises its names but no function word
        assert_eq!(
            case("Hove : Sussex 363 ( W. Athey 111 )"),
            SentenceCase::Ordinary
        );
        assert!(HEADLINE_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn case_modes_keep_ordinary_features_and_match_the_gazetteer_in_lower_case() {
        let mut lex = Lexicon::new(true);
        lex.insert("New York", 1 << cat::LOC);
        let cl = Clusters::default();
        let feats = |toks: &[&str], flags: u32| {
            let mut buf = FeatBuf::default();
            extract_en(toks, &lex, &cl, flags, None, &mut buf);
            (0..toks.len())
                .map(|i| buf.feats[buf.offsets[i] as usize..buf.offsets[i + 1] as usize].to_vec())
                .collect::<Vec<_>>()
        };
        let base = flags::NGRAMS | flags::SHAPE | flags::LEXICON | flags::LEX_CONTEXT;
        let on = base | flags::CASE_MODES;
        for s in [
            &["She", "flew", "to", "New", "York", "."][..],
            &["NEW", "YORK", "WINS"][..],
        ] {
            assert_eq!(feats(s, base), feats(s, on), "{s:?}");
        }
        let lower = ["she", "flew", "to", "new", "york", "."];
        let (off, with) = (feats(&lower, base), feats(&lower, on));
        // without the flag lower case matches nothing; with it `new york` is
        // the gazetteer's place, as a feature of lower-case text
        assert!(!off[3].contains(&f2(40, cat::LOC as u64, 2)));
        assert!(!with[3].contains(&f2(40, cat::LOC as u64, 2)));
        assert!(with[3].contains(&f2(1040, cat::LOC as u64, 2)));
        // the case-blind features are the same, the ones reading capitals move
        assert!(
            with[3].contains(&f1(3, str_hash("new"))) && off[3].contains(&f1(3, str_hash("new")))
        );
        assert!(off[3].contains(&f1(5, shape("new", true))));
        assert!(!with[3].contains(&f1(5, shape("new", true))));
        assert!(with[3].contains(&f1(1005, shape("new", true))));
        let title = ["She", "Flew", "To", "New", "York"];
        assert!(feats(&title, on)[3].contains(&f2(2040, cat::LOC as u64, 2)));
        // CASE_SPLIT moves the case-blind features of such a sentence too, and
        // leaves an ordinary sentence's alone
        let split = on | flags::CASE_SPLIT;
        let cut = feats(&lower, split);
        assert!(!cut[3].contains(&f1(3, str_hash("new"))));
        assert!(cut[3].contains(&f1(1003, str_hash("new"))));
        assert_eq!(cut[3].len(), with[3].len());
        let ordinary = ["She", "flew", "to", "New", "York", "."];
        assert_eq!(feats(&ordinary, split), feats(&ordinary, base));
    }

    #[test]
    fn cluster_features_follow_the_cluster_ids() {
        let lex = Lexicon::new(true);
        let mut cl = Clusters::default();
        assert!(cl.insert("Smith", &[1, 10, 100]));
        assert!(cl.insert("jones", &[1, 10, 101]));
        assert!(!cl.insert("x", &[1, 2, 3, 4]), "at most three levels");
        assert!(!cl.insert("x", &[1023]), "ids must fit 10 bits");
        let feats = |toks: &[&str], flags: u32| {
            let mut buf = FeatBuf::default();
            extract_en(toks, &lex, &cl, flags, None, &mut buf);
            let (a, b) = (buf.offsets[0] as usize, buf.offsets[1] as usize);
            buf.feats[a..b].to_vec()
        };
        let plain = feats(&["Smith", "left"], 3);
        let smith = feats(&["Smith", "left"], 3 | flags::CLUSTERS);
        let jones = feats(&["Jones", "left"], 3 | flags::CLUSTERS);
        assert_eq!(smith.len(), plain.len() + 8);
        // Smith and Jones share the two coarse levels, so every cluster feature
        // but the finest level is the same for both
        let shared = |x: &[u64], y: &[u64]| x.iter().filter(|f| y.contains(f)).count();
        let extra_shared = shared(&smith, &jones) - shared(&plain, &feats(&["Jones", "left"], 3));
        assert_eq!(extra_shared, 7);
    }
}
