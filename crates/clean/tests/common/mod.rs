//! Shared helpers of the integration tests (not a test target by itself).
#![allow(dead_code)]

use zhen_clean::CleanReport;
use zhen_core::{AlignedText, CharIndex, Span};

/// Escapes a field for a TSV cell: `\`, tab, CR and LF.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            _ => o.push(c),
        }
    }
    o
}

/// The original span of every cleaned char, in bytes.
pub fn char_spans(t: &AlignedText) -> Vec<(usize, char, Span)> {
    t.current()
        .char_indices()
        .map(|(i, c)| (i, c, t.to_original(i..i + c.len_utf8())))
        .collect()
}

/// `clean_char<TAB>char<TAB>orig_start<TAB>orig_end<TAB>orig_text`, char offsets.
pub fn align_tsv(t: &AlignedText) -> String {
    let idx = CharIndex::new(t.original());
    let mut out = String::from("clean_char\tchar\torig_start\torig_end\torig_text\n");
    for (k, (_, c, span)) in char_spans(t).into_iter().enumerate() {
        let (s, e) = idx.char_span(span);
        out.push_str(&format!(
            "{k}\t{}\t{s}\t{e}\t{}\n",
            esc(&c.to_string()),
            esc(&t.original()[span.range()])
        ));
    }
    out
}

/// `kind<TAB>orig_start<TAB>orig_end<TAB>byte_start<TAB>byte_end<TAB>before<TAB>after<TAB>reason`.
pub fn report_tsv(original: &str, report: &CleanReport) -> String {
    let idx = CharIndex::new(original);
    let mut out =
        String::from("kind\torig_start\torig_end\tbyte_start\tbyte_end\tbefore\tafter\treason\n");
    for c in &report.changes {
        let (s, e) = idx.char_span(c.original);
        out.push_str(&format!(
            "{}\t{s}\t{e}\t{}\t{}\t{}\t{}\t{}\n",
            c.kind,
            c.original.start,
            c.original.end,
            esc(&c.before),
            esc(&c.after),
            esc(&c.reason)
        ));
    }
    out
}

/// Checks the offset contract of a cleaned text and its report; returns a
/// description of the first violation.
pub fn check_contract(t: &AlignedText, report: &CleanReport) -> Result<(), String> {
    let orig = t.original();
    let mut prev = Span::new(0, 0);
    for (i, c, span) in char_spans(t) {
        if span.end > orig.len()
            || !orig.is_char_boundary(span.start)
            || !orig.is_char_boundary(span.end)
        {
            return Err(format!(
                "char {c:?} at {i}: span {span:?} off char boundaries"
            ));
        }
        if span.start < prev.start || span.end < prev.end {
            return Err(format!(
                "char {c:?} at {i}: span {span:?} after {prev:?} is not monotone"
            ));
        }
        prev = span;
    }
    for ch in &report.changes {
        let s = ch.original;
        if s.end > orig.len() || !orig.is_char_boundary(s.start) || !orig.is_char_boundary(s.end) {
            return Err(format!("change {ch:?} off char boundaries"));
        }
        if orig[s.range()] != ch.before {
            return Err(format!(
                "change {ch:?}: original text is {:?}",
                &orig[s.range()]
            ));
        }
    }
    // nothing lost: every original char is aligned from the cleaned text or
    // covered by a reported change
    let mut covered = vec![false; orig.len() + 1];
    let mut mark = |s: Span| covered[s.start..s.end].iter_mut().for_each(|b| *b = true);
    for (_, _, span) in char_spans(t) {
        mark(span);
    }
    for ch in &report.changes {
        mark(ch.original);
    }
    if let Some((i, c)) = orig.char_indices().find(|&(i, _)| !covered[i]) {
        return Err(format!(
            "original char {c:?} at byte {i} is neither kept nor reported"
        ));
    }
    Ok(())
}
