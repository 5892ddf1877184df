//! `zhen eval`: runs the whole pipeline on each gold sentence's text and
//! scores exact-match entities with conlleval semantics.

use rayon::prelude::*;
use zhen_core::{CharIndex, Document, Label};
use zhen_ner::score::{score, Scores};

use crate::{Pipeline, Result};

/// One gold sentence: its text and its entities as char offsets into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldSentence {
    /// The sentence text (Chinese: the characters joined; English: the tokens
    /// joined by spaces — as the readers build documents).
    pub text: String,
    /// Gold entities: char start, char end, label.
    pub entities: Vec<(usize, usize, Label)>,
}

/// Splits gold documents (from any reader of `zhen_export`) into sentences.
/// Entities crossing a sentence boundary are kept with the sentence they start in, clipped.
pub fn gold_sentences(docs: &[Document]) -> Vec<GoldSentence> {
    let mut out = Vec::new();
    for d in docs {
        for s in &d.sentences {
            let text = &d.text[s.span.range()];
            let idx = CharIndex::new(text);
            let entities = d
                .entities
                .iter()
                .filter(|e| e.span.start >= s.span.start && e.span.start < s.span.end)
                .map(|e| {
                    let end = e.span.end.min(s.span.end);
                    let (a, b) = idx.char_span(zhen_core::Span::new(
                        e.span.start - s.span.start,
                        end - s.span.start,
                    ));
                    (a, b, e.label.clone())
                })
                .collect();
            out.push(GoldSentence {
                text: text.to_string(),
                entities,
            });
        }
    }
    out
}

/// The pipeline's entities for each sentence, as char offsets. Runs in
/// parallel; the result is in input order, the same for any thread count.
pub fn predict(
    pipeline: &Pipeline,
    gold: &[GoldSentence],
) -> Result<Vec<Vec<(usize, usize, Label)>>> {
    gold.par_iter()
        .map(|g| {
            let doc = pipeline.annotate("eval", &g.text)?.document;
            let idx = CharIndex::new(&doc.text);
            Ok(doc
                .entities
                .iter()
                .map(|e| {
                    let (a, b) = idx.char_span(e.span);
                    (a, b, e.label.clone())
                })
                .collect())
        })
        .collect()
}

/// Scores the pipeline on gold sentences.
pub fn evaluate(pipeline: &Pipeline, gold: &[GoldSentence]) -> Result<Scores> {
    let pred = predict(pipeline, gold)?;
    let gold_spans: Vec<Vec<(usize, usize, Label)>> =
        gold.iter().map(|g| g.entities.clone()).collect();
    Ok(score(&gold_spans, &pred))
}
