//! What the cleaners changed: [`Change`], [`ChangeKind`], [`CleanReport`].

use std::fmt;

use zhen_core::{AlignedText, Edit, Span};

use crate::{Error, Result};

/// The kind of a [`Change`], one per cleaning rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Spaces an OCR engine put between Chinese characters were removed.
    OcrSpace,
    /// A line broken inside a sentence was joined to the next one.
    JoinedLine,
    /// A run of characters each doubled by OCR was undoubled.
    DoubledChars,
    /// Half-width punctuation in Chinese text was made full-width.
    Punctuation,
    /// Full-width ASCII letters or digits were made half-width.
    FullWidth,
    /// A boilerplate or spam line was removed.
    RemovedLine,
}

impl ChangeKind {
    /// The kebab-case name used in reports: `"ocr-space"`, `"joined-line"`,
    /// `"doubled-chars"`, `"punctuation"`, `"full-width"`, `"removed-line"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::OcrSpace => "ocr-space",
            ChangeKind::JoinedLine => "joined-line",
            ChangeKind::DoubledChars => "doubled-chars",
            ChangeKind::Punctuation => "punctuation",
            ChangeKind::FullWidth => "full-width",
            ChangeKind::RemovedLine => "removed-line",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change made by a cleaner.
///
/// `original` is a byte span of the ORIGINAL text (on char boundaries) and
/// `before == &original_text[original.range()]`: nothing a cleaner removes is
/// lost, it is here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Which rule made the change.
    pub kind: ChangeKind,
    /// Byte span of the original text that was replaced.
    pub original: Span,
    /// The original text of that span.
    pub before: String,
    /// What replaced it (empty for a removal).
    pub after: String,
    /// Why, in words (e.g. `"breadcrumb navigation"`).
    pub reason: String,
}

/// Every change made by a [`crate::Cleaner`] run, sorted by original position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanReport {
    /// The changes, sorted by `original.start` (then by end).
    pub changes: Vec<Change>,
}

impl CleanReport {
    /// The changes of one kind.
    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// Number of changes of one kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.of_kind(kind).count()
    }
}

/// A change a cleaner plans on the current text: one or more edits reported
/// as one [`Change`] covering `edits[0].start .. edits[last].end`.
#[derive(Clone, Debug)]
pub(crate) struct Planned {
    pub edits: Vec<Edit>,
    pub kind: ChangeKind,
    pub reason: String,
}

impl Planned {
    pub fn one(edit: Edit, kind: ChangeKind, reason: impl Into<String>) -> Self {
        Planned {
            edits: vec![edit],
            kind,
            reason: reason.into(),
        }
    }
}

/// Applies planned changes (sorted, not overlapping) through
/// [`AlignedText::apply`], mapping each to the original first.
pub(crate) fn apply_planned(
    text: &mut AlignedText,
    step: &'static str,
    planned: Vec<Planned>,
) -> Result<Vec<Change>> {
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let mut changes = Vec::with_capacity(planned.len());
    // (a planned change may hold many edits: OCR spaces, doubled chars)
    let mut edits = Vec::with_capacity(planned.iter().map(|p| p.edits.len()).sum());
    for p in planned {
        let (Some(first), Some(last)) = (p.edits.first(), p.edits.last()) else {
            continue;
        };
        let whole = first.range.start..last.range.end;
        let original = text.to_original(whole.clone());
        let mut after = String::new();
        let mut pos = whole.start;
        for e in &p.edits {
            after.push_str(&text.current()[pos..e.range.start]);
            after.push_str(&e.replacement);
            pos = e.range.end;
        }
        after.push_str(&text.current()[pos..whole.end]);
        changes.push(Change {
            kind: p.kind,
            original,
            before: text.original()[original.range()].to_string(),
            after,
            reason: p.reason,
        });
        edits.extend(p.edits);
    }
    text.apply(edits)
        .map_err(|source| Error::Core { step, source })?;
    Ok(changes)
}
