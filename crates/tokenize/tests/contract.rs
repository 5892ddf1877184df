//! The offset contract, tested the tokenizers way: run the whole stage
//! (paragraphs → language → sentences → tokenize) on every corpus document
//! and on arbitrary Unicode, on an identity alignment and on a text edited
//! the way normalizers edit it, and slice the ORIGINAL with every span.

use std::ops::Range;
use std::sync::OnceLock;

use proptest::prelude::*;
use zhen_core::chars::is_cjk;
use zhen_core::{AlignedText, Edit, Span};
use zhen_tokenize::{language, paragraphs, route, sentences, Route, Tok, Tokenizer};

fn tokenizer() -> &'static Tokenizer {
    static T: OnceLock<Tokenizer> = OnceLock::new();
    T.get_or_init(|| Tokenizer::new().expect("embedded tokenizer"))
}

// whitespace as the splitters see it (also BOM and zero-width space)
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

fn edits_where(cur: &str, mut f: impl FnMut(&str, usize) -> Option<(usize, String)>) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0;
    while i < cur.len() {
        match f(cur, i) {
            Some((len, rep)) => {
                edits.push(Edit::new(i..i + len, rep));
                i += len;
            }
            None => i += cur[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    edits
}

/// Edits like the normalizers make: delete whitespace between CJK chars,
/// replace some chars 1:1 (`，`→`,`, `國`→`国`, `a`→`A`), some 2:3
/// (`扶贫`→`扶持贫`, `bc`→`xyz`), delete every `的`.
fn modified(original: &str) -> AlignedText {
    let mut t = AlignedText::new(original);
    let cur = t.current().to_string();
    let e = edits_where(&cur, |s, i| {
        let before = s[..i].chars().next_back()?;
        let rest = &s[i..];
        let ws: usize = rest
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum();
        let after = rest[ws..].chars().next()?;
        (ws > 0 && is_cjk(before) && is_cjk(after)).then(|| (ws, String::new()))
    });
    t.apply(e).unwrap();
    let cur = t.current().to_string();
    let e = edits_where(&cur, |s, i| {
        let r = &s[i..];
        for (from, to) in [
            ("扶贫", "扶持贫"),
            ("bc", "xyz"),
            ("，", ","),
            ("國", "国"),
            ("a", "A"),
            ("的", ""),
        ] {
            if r.starts_with(from) {
                return Some((from.len(), to.to_string()));
            }
        }
        None
    });
    t.apply(e).unwrap();
    t
}

/// Runs the stage; returns sentence ranges (current) and tokens.
fn run(text: &AlignedText) -> (Vec<Range<usize>>, Vec<Tok>) {
    let cur = text.current();
    let mut sents = Vec::new();
    let mut toks = Vec::new();
    for p in paragraphs(cur) {
        let lang = language(&cur[p.clone()]);
        let ss = sentences(cur, p.clone(), &lang);
        // sentences cover all non-space text of the paragraph, in order
        let mut prev = p.start;
        for s in &ss {
            assert!(s.start >= prev && s.end <= p.end && !s.is_empty());
            assert!(
                cur[prev..s.start].chars().all(is_space),
                "{:?}",
                &cur[prev..s.start]
            );
            assert_eq!(cur[s.clone()].trim_matches(is_space), &cur[s.clone()]);
            prev = s.end;
        }
        assert!(cur[prev..p.end].chars().all(is_space));
        for s in ss {
            toks.extend(tokenizer().tokenize(text, s.clone(), route(&lang, &cur[s.clone()])));
            sents.push(s);
        }
    }
    (sents, toks)
}

fn check_tokens(text: &AlignedText, toks: &[Tok]) {
    let orig = text.original();
    let cur = text.current();
    let mut prev = 0;
    let mut rebuilt = String::new();
    for t in toks {
        assert!(
            t.span.start >= prev,
            "token {:?} at {:?} overlaps the previous one",
            t.norm,
            t.span
        );
        assert!(orig.is_char_boundary(t.span.start) && orig.is_char_boundary(t.span.end));
        assert!(cur.is_char_boundary(t.current.start) && cur.is_char_boundary(t.current.end));
        assert!(!t.span.is_empty());
        assert_eq!(t.norm, &cur[t.current.clone()]);
        assert!(
            !t.norm.chars().all(char::is_whitespace),
            "whitespace token {:?}",
            t.norm
        );
        // the original text the token's current text came from
        assert_eq!(text.to_original(t.current.clone()), t.span);
        let gap = &orig[prev..t.span.start];
        check_gap(text, prev, gap);
        rebuilt.push_str(gap);
        rebuilt.push_str(&orig[t.span.range()]);
        prev = t.span.end;
    }
    check_gap(text, prev, &orig[prev..]);
    rebuilt.push_str(&orig[prev..]);
    assert_eq!(rebuilt, orig);
}

// A gap holds only whitespace or text the edits removed.
fn check_gap(text: &AlignedText, at: usize, gap: &str) {
    for (i, c) in gap.char_indices() {
        let s = at + i;
        let removed = text.to_current(Span::new(s, s + c.len_utf8())).is_empty();
        assert!(
            is_space(c) || removed,
            "{c:?} at {s} of the original is in no token: gap {gap:?}"
        );
    }
}

fn corpus() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut docs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let s = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), s)
        })
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no corpus documents in {}", dir.display());
    docs
}

#[test]
fn corpus_identity_alignment() {
    for (name, doc) in corpus() {
        let text = AlignedText::new(doc.as_str());
        let (sents, toks) = run(&text);
        assert!(!sents.is_empty() && toks.len() > 10, "{name}");
        check_tokens(&text, &toks);
    }
}

#[test]
fn corpus_edited_alignment() {
    for (name, doc) in corpus() {
        let text = modified(&doc);
        assert_ne!(text.current(), doc, "{name}: the edits changed nothing");
        let (_, toks) = run(&text);
        check_tokens(&text, &toks);
    }
}

#[test]
fn edited_tokens_map_back_through_many_to_many_edits() {
    let text = modified("扶贫 工作的 bc 國家");
    assert_eq!(text.current(), "扶持贫工作 xyz 国家");
    let (_, toks) = run(&text);
    check_tokens(&text, &toks);
    let orig: Vec<&str> = toks
        .iter()
        .map(|t| &text.original()[t.span.range()])
        .collect();
    // "的" was deleted: it lies in a gap; "扶贫 工作" keeps its space inside
    assert!(orig.iter().all(|s| !s.contains('的')), "{orig:?}");
    assert!(orig.contains(&"bc") && orig.contains(&"國家"), "{orig:?}");
}

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select("扶贫工作的國家中华人民共和国北京大学生在这里我们".chars().collect::<Vec<_>>()),
        2 => prop::char::range('a', 'e'),
        1 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        3 => prop::sample::select(" \n\t\u{3000}.,!?;:'\"-/。，！？；…“”‘’「」（）《》、".chars().collect::<Vec<_>>()),
        1 => prop::sample::select("𠀀𠮷😀ひらカナ한국é".chars().collect::<Vec<_>>()),
        1 => any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_keeps_the_contract(chars in prop::collection::vec(any_char(), 0..120)) {
        let s: String = chars.into_iter().collect();
        for text in [AlignedText::new(s.as_str()), modified(&s)] {
            let (_, toks) = run(&text);
            check_tokens(&text, &toks);
            // every tokenizer on the whole text, whatever the language says
            for to in [Route::Chinese, Route::English, Route::Other] {
                let cur = text.current();
                for p in paragraphs(cur) {
                    let toks = tokenizer().tokenize(&text, p, to);
                    let mut prev = 0;
                    for t in &toks {
                        prop_assert!(t.span.start >= prev);
                        prop_assert_eq!(text.to_original(t.current.clone()), t.span);
                        prev = t.span.end;
                    }
                }
            }
        }
    }
}
