//! The offset contract of the cleaners, on arbitrary text: every kept char
//! maps to a slice of the original on char boundaries, monotonically; every
//! reported change slices to its `before` text; and nothing is lost.

mod common;

use proptest::prelude::*;
use zhen_clean::{ChangeKind, CleanOptions, Cleaner};
use zhen_core::{AlignedText, Normalizer};

fn clean(s: &str, options: CleanOptions) -> (AlignedText, zhen_clean::CleanReport) {
    let mut t = AlignedText::new(s);
    let r = Cleaner::new(options).clean(&mut t).unwrap();
    (t, r)
}

/// Text made of the pieces the rules key on.
fn scraped() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{a0}".to_string()),
        Just("\u{3000}".to_string()),
        Just("东东莞莞走走出出".to_string()),
        Just("围围着".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("分享".to_string()),
        Just("4.jpg".to_string()),
        Just("當前位置:首頁 > 專題".to_string()),
        Just("浏览:1353".to_string()),
        Just("Ｎｏ．１２".to_string()),
        Just("▲".to_string()),
        Just("𠀀𠀁".to_string()),
        "[,:;?!()\"'.0-9a-z]{1,3}",
        "[东莞市选派了干部扶贫工作年月日]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn options() -> impl Strategy<Value = CleanOptions> {
    any::<[bool; 5]>().prop_map(|b| CleanOptions {
        ocr_spaces: b[0],
        join_lines: b[1],
        doubled_chars: b[2],
        punctuation: b[3],
        boilerplate: b[4],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn contract_holds_on_scraped_text(s in scraped(), o in options()) {
        let (t, r) = clean(&s, o);
        prop_assert_eq!(t.original(), s.as_str());
        if let Err(e) = common::check_contract(&t, &r) {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn contract_holds_on_arbitrary_unicode(s in any::<String>()) {
        let (t, r) = clean(&s, CleanOptions::default());
        if let Err(e) = common::check_contract(&t, &r) {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn removed_lines_slice_to_their_text(s in scraped()) {
        let (t, r) = clean(&s, CleanOptions::default());
        for c in r.of_kind(ChangeKind::RemovedLine) {
            prop_assert_eq!(&t.original()[c.original.range()], c.before.as_str());
            prop_assert!(c.after.is_empty());
            prop_assert!(t.to_current(c.original).is_empty());
        }
    }

    #[test]
    fn cleaning_is_idempotent_on_its_output(s in scraped()) {
        let (t, _) = clean(&s, CleanOptions::default());
        let (t2, _) = clean(t.current(), CleanOptions::default());
        // a second pass may only find work the first pass made visible
        // (lines joined after removals); it must never lose content
        prop_assert!(t2.current().chars().count() <= t.current().chars().count());
    }
}

#[test]
fn disabled_steps_change_nothing() {
    let s = "當前位置:首頁 > 專題\n东 莞 市,东东莞莞走走出出\n梳理出制约新民村，\n\n实现脱贫。";
    let none = CleanOptions {
        ocr_spaces: false,
        join_lines: false,
        doubled_chars: false,
        punctuation: false,
        boilerplate: false,
    };
    let (t, r) = clean(s, none);
    assert_eq!(t.current(), s);
    assert!(r.changes.is_empty());
    let only_punct = CleanOptions {
        punctuation: true,
        ..none
    };
    let (t, r) = clean(s, only_punct);
    assert_eq!(
        t.current(),
        "當前位置：首頁 > 專題\n东 莞 市，东东莞莞走走出出\n梳理出制约新民村，\n\n实现脱贫。"
    );
    assert_eq!(r.changes.len(), 2);
    let (t, r) = clean(s, CleanOptions::default());
    assert_eq!(
        t.current(),
        "东莞市，东莞走出\n梳理出制约新民村，实现脱贫。"
    );
    let kinds: Vec<&str> = r.changes.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "removed-line",
            "ocr-space",
            "ocr-space",
            "punctuation",
            "doubled-chars",
            "joined-line"
        ]
    );
}

#[test]
fn normalizer_trait_runs_the_cleaner() {
    let mut t = AlignedText::new("东 莞\n4.jpg\n");
    Cleaner::default().normalize(&mut t).unwrap();
    assert_eq!(t.current(), "东莞\n");
    assert_eq!(Cleaner::default().name(), "clean");
}

#[test]
fn large_input_is_linear() {
    // 4 MB of OCR-like text cleans in well under a second per MB in release;
    // in debug we only check it finishes and keeps the contract
    let unit = "东 莞 市 选 派 了 375 名干部到韶关、 揭阳两\n市开展扶贫工作 ，构建“市、县、村”三级前线扶贫队\n伍，全方位加强扶贫队伍力量。\n\n";
    let s = unit.repeat(20_000);
    let (t, r) = clean(&s, CleanOptions::default());
    assert!(t.current().len() < s.len());
    assert!(r.count(ChangeKind::JoinedLine) >= 20_000);
}

/// Found by the property above: a line join across a removed line must not
/// align the joining space to the removed text.
#[test]
fn a_join_across_a_removed_line_leaves_it_unmapped() {
    let s = "浏览:1353\u{a0}\u{a0}。4.jpg\na\n\nＮｏ．１２分享 ";
    let (t, r) = clean(s, CleanOptions::default());
    let removed: Vec<_> = r.of_kind(ChangeKind::RemovedLine).collect();
    assert_eq!(removed.len(), 1, "{:?}", r.changes);
    assert_eq!(removed[0].before, "a\n");
    assert!(t.to_current(removed[0].original).is_empty());
    assert_eq!(r.of_kind(ChangeKind::JoinedLine).count(), 1);
    if let Err(e) = common::check_contract(&t, &r) {
        panic!("{e}");
    }
}
