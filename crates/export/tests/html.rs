//! Contract tests of the HTML view and the corpus report: the text of the
//! page is the original text, each entity's marks hold exactly its text and
//! offsets, hostile input stays text, and `index.html` for 10,000 documents
//! stays under 5 MB and is deterministic.

mod common;

use std::collections::BTreeMap;

use proptest::prelude::*;
use zhen_core::{CharIndex, Document, Entity, Label, Paragraph, Script, Sentence, Span, Token};
use zhen_export::html::{self, HtmlOptions, Link};
use zhen_export::report::Report;

fn page(doc: &Document, opts: &HtmlOptions) -> String {
    let mut out = Vec::new();
    html::write(&mut out, doc, opts).unwrap();
    String::from_utf8(out).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// What the `<main>` of a view holds: its whole text, and per entity index
/// the concatenated text of its marks, its attributes, and how many marks it has.
#[derive(Debug, Default)]
struct Shown {
    text: String,
    entities: BTreeMap<usize, ShownEntity>,
}

#[derive(Debug, Default)]
struct ShownEntity {
    text: String,
    label: String,
    norm: String,
    offsets: String,
    sentence: String,
    marks: usize,
}

/// Reads the `<main>` of a page written by zhen (attribute values never
/// contain `<` or `>`, which are escaped); panics on unbalanced tags.
fn shown(page: &str) -> Shown {
    let start = page.find("<main").unwrap();
    let end = page.find("</main>").unwrap();
    let main = &page[start..end];
    let main = &main[main.find('>').unwrap() + 1..];
    let mut out = Shown::default();
    let mut stack: Vec<(String, Option<usize>)> = Vec::new();
    let mut rest = main;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let t = unescape(&rest[..lt]);
        out.text.push_str(&t);
        for (_, e) in &stack {
            if let Some(e) = e {
                out.entities.get_mut(e).unwrap().text.push_str(&t);
            }
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').unwrap();
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix("</") {
            let name = name.trim_end_matches('>');
            let (open, _) = stack.pop().expect("a close tag without an open one");
            assert_eq!(open, name, "mismatched tags");
            continue;
        }
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let e = if name == "mark" {
            let i: usize = attr(tag, "data-e").unwrap().parse().unwrap();
            let se = out.entities.entry(i).or_default();
            se.marks += 1;
            se.label = unescape(attr(tag, "data-l").unwrap());
            if let Some(o) = attr(tag, "data-o") {
                assert!(se.offsets.is_empty(), "two first marks of entity {i}");
                se.offsets = o.to_string();
                se.norm = unescape(attr(tag, "data-n").unwrap());
                se.sentence = attr(tag, "data-s").unwrap().to_string();
            }
            Some(i)
        } else {
            None
        };
        stack.push((name, e));
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    out
}

/// Checks the view of `doc` against the document itself.
fn check_view(doc: &Document) {
    let p = page(doc, &HtmlOptions::default());
    let s = shown(&p);
    assert_eq!(s.text, doc.text, "the page's text is the original text");
    assert_eq!(s.entities.len(), doc.entities.len());
    let idx = CharIndex::new(&doc.text);
    for (i, e) in doc.entities.iter().enumerate() {
        let got = &s.entities[&i];
        assert_eq!(got.text, e.text, "entity {i}");
        assert_eq!(got.label, e.label.as_str());
        assert_eq!(got.norm, e.norm);
        let (a, b) = idx.char_span(e.span);
        assert_eq!(got.offsets, format!("{a},{b}"));
    }
}

#[test]
fn fixtures_show_their_text_and_entities() {
    for doc in common::fixtures::all() {
        check_view(&doc);
    }
}

#[test]
fn an_entity_across_a_repaired_line_break_is_one_mark_with_its_text() {
    let doc = common::fixtures::newline();
    let p = page(&doc, &HtmlOptions::default());
    let s = shown(&p);
    let e = &s.entities[&0];
    assert_eq!((e.text.as_str(), e.marks), ("北京\n大学", 1));
    assert_eq!(e.offsets, "2,7");
    assert_eq!(e.sentence, "0");
    // the break is kept in the DOM but hidden between CJK characters
    assert!(p.contains("北京</span><span class=\"j\">\n</span><span class=\"t\" data-p=\"n\" data-u=\"NOUN\">大学</span></mark>"));
}

const ATTACKS: [&str; 5] = [
    "<script>document.title='pwned'</script>",
    "\"><img src=x onerror=\"document.body.dataset.pwned=1\">",
    "</textarea><svg onload=alert(1)>",
    "<!-- \u{2028}\u{2029} -->",
    "' onmouseover='alert(1)",
];

fn attack_doc() -> Document {
    let text = ATTACKS.join("\n\n");
    let mut doc = Document::new(ATTACKS.concat(), text.clone());
    let mut pos = 0;
    for (i, a) in ATTACKS.iter().enumerate() {
        let span = Span::new(pos, pos + a.len());
        doc.paragraphs.push(Paragraph {
            span,
            lang: a.to_string(),
            script: Script::None,
        });
        doc.sentences.push(Sentence { span, paragraph: i });
        doc.tokens.push(Token {
            span,
            text: a.to_string(),
            norm: ATTACKS[(i + 1) % ATTACKS.len()].to_string(),
            pos: a.to_string(),
            upos: a.to_string(),
            sentence: i,
        });
        doc.entities.push(Entity {
            span,
            label: Label::new(&a.replace(char::is_whitespace, "")),
            text: a.to_string(),
            norm: a.to_string(),
        });
        pos += a.len() + 2;
    }
    doc
}

/// No markup of the attacks made it into the page: the only tags are zhen's.
/// (The JSON data of the report is checked apart: quotes are harmless there.)
fn assert_inert(p: &str, scripts: usize) {
    let open = "<script type=\"application/json\" id=\"data\">";
    let p = match p.find(open) {
        Some(at) => {
            let end = at + p[at..].find("</script>").unwrap();
            format!("{}{}", &p[..at + open.len()], &p[end..])
        }
        None => p.to_string(),
    };
    for bad in [
        "<img",
        "<svg onload",
        "</textarea",
        "<!--",
        "onerror=\"",
        "onmouseover='",
    ] {
        assert!(!p.contains(bad), "{bad:?} in the page");
    }
    assert_eq!(p.matches("<script").count(), scripts);
    assert!(!p.contains('\u{2028}') || !p.contains("<script>\u{2028}"));
}

#[test]
fn attack_strings_are_shown_as_text() {
    let doc = attack_doc();
    let opts = HtmlOptions {
        links: vec![Link::new(ATTACKS[1], ATTACKS[0])],
        index: Some(ATTACKS[2].to_string()),
    };
    let p = page(&doc, &opts);
    assert_inert(&p, 1);
    let title = &p[p.find("<title>").unwrap() + 7..p.find("</title>").unwrap()];
    assert_eq!(unescape(title), format!("{} · zhen", ATTACKS.concat()));
    check_view(&doc);
}

#[test]
fn attack_strings_in_the_report_are_inert() {
    let doc = attack_doc();
    let mut r = Report::new();
    r.add(&doc, ATTACKS[1]);
    r.add_failure(ATTACKS[0], ATTACKS[2]);
    r.add_file(Link::new(ATTACKS[3], ATTACKS[4]));
    let p = String::from_utf8(r.write(Vec::new()).unwrap()).unwrap();
    assert_inert(&p, 2);
    // the JSON data holds the strings, escaped, and parses back to them
    let at = p
        .find("<script type=\"application/json\" id=\"data\">")
        .unwrap();
    let json = &p[at..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    assert!(!json.contains('\u{2028}') && !json.contains('\u{2029}'));
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["docs"][0][0], ATTACKS.concat());
    assert_eq!(v["docs"][0][1], ATTACKS[1]);
    assert_eq!(v["ents"].as_array().unwrap().len(), ATTACKS.len());
}

fn chars() -> impl Strategy<Value = Vec<char>> {
    let ch = prop_oneof![
        any::<char>().prop_filter("HTML cannot hold NUL", |c| *c != '\0'),
        prop::sample::select(vec![
            '王', '臺', '\n', '\r', ' ', '<', '>', '&', '"', '\'', '😀', 'e', '\u{2028}', '\u{85}'
        ]),
    ];
    prop::collection::vec(ch, 0..40)
}

/// A document over `chars` with entities (possibly overlapping or empty) at
/// the given char pairs, tokens and paragraphs at sorted cut points.
fn doc(chars: &[char], pairs: &[(usize, usize)], cuts: &[usize], paras: &[usize]) -> Document {
    let text: String = chars.iter().collect();
    let n = chars.len();
    let byte = |c: usize| chars[..c].iter().map(|c| c.len_utf8()).sum::<usize>();
    let mut d = Document::new("p", text);
    let sorted = |v: &[usize]| {
        let mut v: Vec<usize> = v.iter().map(|c| c % (n + 1)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let p = sorted(paras);
    for w in p.chunks(2).filter(|w| w.len() == 2) {
        d.paragraphs.push(Paragraph {
            span: Span::new(byte(w[0]), byte(w[1])),
            lang: "zh-Hans".into(),
            script: Script::Hans,
        });
    }
    d.sentences.push(Sentence {
        span: Span::new(0, d.text.len()),
        paragraph: 0,
    });
    for w in sorted(cuts).windows(2) {
        let span = Span::new(byte(w[0]), byte(w[1]));
        let t = d.text[span.range()].to_string();
        d.tokens.push(Token {
            span,
            norm: t.to_uppercase(),
            text: t,
            pos: "n".into(),
            upos: "NOUN".into(),
            sentence: 0,
        });
    }
    for (i, &(a, b)) in pairs.iter().enumerate() {
        let (a, b) = (a % (n + 1), b % (n + 1));
        let span = Span::new(byte(a.min(b)), byte(a.max(b)));
        let t = d.text[span.range()].to_string();
        d.entities.push(Entity {
            span,
            label: Label::new(["PER", "LOC", "X<&\"'"][i % 3]),
            norm: t.clone(),
            text: t,
        });
    }
    d.entities.sort_by_key(|e| (e.span.start, e.span.end));
    d.validate().unwrap();
    d
}

proptest! {
    #[test]
    fn any_document_shows_its_text_and_each_entity_whole(
        chars in chars(),
        pairs in prop::collection::vec((0usize..64, 0usize..64), 0..6),
        cuts in prop::collection::vec(0usize..64, 0..12),
        paras in prop::collection::vec(0usize..64, 0..6),
    ) {
        check_view(&doc(&chars, &pairs, &cuts, &paras));
    }
}

/// A deterministic corpus of `n` small documents: names drawn from a
/// vocabulary where a few are frequent and most are rare, as in news.
fn synthetic(n: usize) -> impl Iterator<Item = Document> {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const SYL: [&str; 16] = [
        "张", "王", "李", "赵", "陈", "东", "莞", "广", "州", "省", "市", "局", "委", "华", "明",
        "新",
    ];
    (0..n).map(move |i| {
        let mut text = String::new();
        let mut spans = Vec::new();
        for k in 0..8 {
            // a name: rank drawn with a heavy head (1/r-like), 2–4 syllables
            let r = (next() % 1_000_000) as f64 / 1_000_000.0;
            let rank = (60_000f64.powf(r)) as u64;
            let mut name = String::new();
            let mut x = rank;
            for _ in 0..2 + rank % 3 {
                name.push_str(SYL[(x % 16) as usize]);
                x /= 16;
            }
            text.push_str("据报道，在");
            let s = text.len();
            text.push_str(&name);
            spans.push((
                s,
                text.len(),
                ["PER", "LOC", "ORG"][(rank + k) as usize % 3],
            ));
            text.push_str("举行的会议上，有关负责人介绍了情况。\n");
        }
        let mut d = Document::new(format!("政策文件/2024/第{i:05}号通知.txt"), text);
        d.paragraphs.push(Paragraph {
            span: Span::new(0, d.text.len() - 1),
            lang: "zh-Hans".into(),
            script: Script::Hans,
        });
        for (s, e, l) in spans {
            let t = d.text[s..e].to_string();
            d.entities.push(Entity {
                span: Span::new(s, e),
                label: Label::new(l),
                norm: t.clone(),
                text: t,
            });
        }
        d
    })
}

fn report_of(docs: impl Iterator<Item = Document>) -> Vec<u8> {
    let mut r = Report::new();
    for d in docs {
        let view = format!("{}.html", d.id.trim_end_matches(".txt"));
        r.add(&d, &view);
    }
    r.write(Vec::new()).unwrap()
}

#[test]
fn report_for_10000_documents_is_under_5_mb_and_deterministic() {
    let a = report_of(synthetic(10_000));
    println!("index.html for 10,000 documents: {} bytes", a.len());
    assert!(a.len() < 5 * 1024 * 1024, "{} bytes", a.len());
    // every document is in the data; the charts and search are capped
    let p = String::from_utf8(a.clone()).unwrap();
    assert!(p.contains("第09999号通知.txt"));
    // a second report (other hash seeds) writes the same bytes
    let b = report_of(synthetic(10_000));
    assert!(a == b, "the report depends on hash-map order");
}
