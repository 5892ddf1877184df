//! `zhen eval`: runs the whole pipeline on each gold sentence's text and
//! scores exact-match entities with conlleval semantics.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use zhen_core::{CharIndex, Document, Label};
use zhen_export::Format;
use zhen_ner::score::{score, Scores};

use crate::{Error, Pipeline, Result};

/// One gold sentence: its text and its entities as char offsets into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldSentence {
    /// The sentence text (Chinese: the characters joined; English: the tokens
    /// joined by spaces — as the readers build documents).
    pub text: String,
    /// Gold entities: char start, char end, label.
    pub entities: Vec<(usize, usize, Label)>,
    /// The gold tokens: char start, char end, surface.
    pub tokens: Vec<(usize, usize, String)>,
}

/// Splits gold documents (from any reader of `zhen_export`) into sentences.
/// Entities crossing a sentence boundary are kept with the sentence they start in, clipped.
pub fn gold_sentences(docs: &[Document]) -> Vec<GoldSentence> {
    let mut out = Vec::new();
    for d in docs {
        // Tokens are in order (`Document::validate`) and entities normally in
        // order of their start, so a sentence's share is found by binary
        // search; scanning the whole document for every sentence was
        // quadratic for a gold file read as one document (40,000 sentences
        // took over ten minutes). A reader that leaves entities unsorted
        // (our JSONL keeps the file's order) gets the whole-document scan.
        let ents_sorted = d.entities.is_sorted_by_key(|e| e.span.start);
        let toks_sorted = d.tokens.is_sorted_by_key(|t| t.span.start);
        for s in &d.sentences {
            let text = &d.text[s.span.range()];
            let idx = CharIndex::new(text);
            let mut ents = &d.entities[..];
            if ents_sorted {
                ents = &ents[ents.partition_point(|e| e.span.start < s.span.start)..];
                ents = &ents[..ents.partition_point(|e| e.span.start < s.span.end)];
            }
            let mut toks = &d.tokens[..];
            if toks_sorted {
                toks = &toks[toks.partition_point(|t| t.span.start < s.span.start)..];
                toks = &toks[..toks.partition_point(|t| t.span.start <= s.span.end)];
            }
            let entities = ents
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
            let tokens = toks
                .iter()
                .filter(|t| s.span.contains(t.span))
                .map(|t| {
                    let (a, b) = idx.char_span(zhen_core::Span::new(
                        t.span.start - s.span.start,
                        t.span.end - s.span.start,
                    ));
                    (a, b, t.text.clone())
                })
                .collect();
            out.push(GoldSentence {
                text: text.to_string(),
                entities,
                tokens,
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

/// Snaps predicted entities to the gold tokens (as conlleval scores over
/// gold tokens): an entity covers every gold token it overlaps. Entities
/// that would then overlap an earlier one are dropped, so the result can be
/// written as BIO over the gold tokens and scored identically by seqeval.
pub fn snap_to_tokens(
    pred: &[(usize, usize, Label)],
    tokens: &[(usize, usize, String)],
) -> Vec<(usize, usize, Label)> {
    let mut out: Vec<(usize, usize, Label)> = Vec::new();
    for (a, b, l) in pred {
        let first = tokens.iter().position(|t| t.1 > *a);
        let last = tokens.iter().rposition(|t| t.0 < *b);
        if let (Some(f), Some(e)) = (first, last) {
            if f <= e {
                let span = (tokens[f].0, tokens[e].1, l.clone());
                if out.last().is_none_or(|p| p.1 <= span.0) {
                    out.push(span);
                }
            }
        }
    }
    out
}

/// The pipeline's predictions snapped to the gold tokens (empty token lists
/// leave predictions as they are).
pub fn predict_on_gold_tokens(
    pipeline: &Pipeline,
    gold: &[GoldSentence],
) -> Result<Vec<Vec<(usize, usize, Label)>>> {
    let pred = predict(pipeline, gold)?;
    Ok(pred
        .into_iter()
        .zip(gold)
        .map(|(p, g)| {
            if g.tokens.is_empty() {
                p
            } else {
                snap_to_tokens(&p, &g.tokens)
            }
        })
        .collect())
}

/// Scores the pipeline on gold sentences, over the gold tokens.
pub fn evaluate(pipeline: &Pipeline, gold: &[GoldSentence]) -> Result<Scores> {
    let pred = predict_on_gold_tokens(pipeline, gold)?;
    Ok(score_predictions(gold, &pred))
}

/// A gold corpus scored ([`evaluate_files`]).
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Per-label and micro precision, recall and F1.
    pub scores: Scores,
    /// The gold sentences, in file order.
    pub gold: Vec<GoldSentence>,
    /// The pipeline's entities per gold sentence, snapped to the gold tokens.
    pub predicted: Vec<Vec<(usize, usize, Label)>>,
}

/// What `zhen eval` does: reads gold files in any format zhen reads (each
/// file's format from its name unless `format` is given), annotates every
/// gold sentence and scores the entities over the gold tokens.
pub fn evaluate_files(
    pipeline: &Pipeline,
    gold: &[PathBuf],
    format: Option<Format>,
) -> Result<Evaluation> {
    let mut docs = Vec::new();
    for path in gold {
        docs.extend(read_annotations(path, format)?);
    }
    let gold = gold_sentences(&docs);
    let predicted = predict_on_gold_tokens(pipeline, &gold)?;
    Ok(Evaluation {
        scores: score_predictions(&gold, &predicted),
        gold,
        predicted,
    })
}

/// Reads an annotation file in any format zhen reads (from its name unless
/// `format` is given), as `zhen eval` and `zhen convert-format` do. The
/// documents of formats without sentences (brat, doccano, JSONL without
/// `sentences`) get the paragraphs, sentences and tokens zhen's own
/// splitter and tokenizer derive from their text (without cleaning); their
/// entities are kept as they are. A file that yields no sentence is an
/// error naming it, never an empty result.
pub fn read_annotations(path: &Path, format: Option<Format>) -> Result<Vec<Document>> {
    let mut docs = zhen_export::read_path(path, format)?;
    let bare = |d: &Document| d.sentences.is_empty() && !d.text.trim().is_empty();
    if docs.iter().any(bare) {
        let structure = Pipeline::builder().no_clean().entities(false).build()?;
        for d in docs.iter_mut().filter(|d| bare(d)) {
            let derived = structure.annotate(&d.id, &d.text)?.document;
            d.paragraphs = derived.paragraphs;
            d.sentences = derived.sentences;
            d.tokens = derived.tokens;
        }
    }
    if docs.iter().all(|d| d.sentences.is_empty()) {
        let format = format.unwrap_or_else(|| Format::from_path(path));
        return Err(Error::Usage(format!(
            "{}: no sentences read as {}: the file is empty or in another format (name it with --gold-format, or --from)",
            path.display(),
            format.name()
        )));
    }
    Ok(docs)
}

/// Scores given predictions (one list per gold sentence).
pub fn score_predictions(gold: &[GoldSentence], pred: &[Vec<(usize, usize, Label)>]) -> Scores {
    let gold_spans: Vec<Vec<(usize, usize, Label)>> =
        gold.iter().map(|g| g.entities.clone()).collect();
    score(&gold_spans, pred)
}

/// Writes predictions as CoNLL columns over the gold tokens, `TOKEN<TAB>TAG`
/// in IOB2, a blank line between sentences — what seqeval reads.
pub fn write_predictions(
    out: &mut impl std::io::Write,
    gold: &[GoldSentence],
    pred: &[Vec<(usize, usize, Label)>],
) -> std::io::Result<()> {
    for (g, p) in gold.iter().zip(pred) {
        for (a, b, text) in &g.tokens {
            let tag = p
                .iter()
                .find(|e| e.0 <= *a && *b <= e.1)
                .map(|e| format!("{}-{}", if e.0 == *a { "B" } else { "I" }, e.2))
                .unwrap_or_else(|| "O".to_string());
            writeln!(out, "{}\t{tag}", text.replace(char::is_whitespace, "_"))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sentence_gets_its_own_tokens_and_entities() {
        let bio = "王\tB-PER\n小\tI-PER\n明\tI-PER\n来\tO\n\n北\tB-LOC\n京\tI-LOC\n\n好\tO\n\n上\tB-ORG\n海\tI-ORG\n队\tI-ORG\n赢\tO\n了\tO\n";
        let docs =
            zhen_export::conll::read_str(bio, "a.bio", &zhen_export::conll::ReadOptions::default())
                .unwrap();
        assert_eq!(docs.len(), 1);
        let got = gold_sentences(&docs);
        let texts: Vec<&str> = got.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["王小明来", "北京", "好", "上海队赢了"]);
        let ents: Vec<_> = got.iter().map(|g| g.entities.clone()).collect();
        assert_eq!(
            ents,
            vec![
                vec![(0, 3, Label::Per)],
                vec![(0, 2, Label::Loc)],
                vec![],
                vec![(0, 3, Label::Org)]
            ]
        );
        let tokens: Vec<Vec<(usize, usize)>> = got
            .iter()
            .map(|g| g.tokens.iter().map(|t| (t.0, t.1)).collect())
            .collect();
        assert_eq!(
            tokens,
            vec![
                vec![(0, 1), (1, 2), (2, 3), (3, 4)],
                vec![(0, 1), (1, 2)],
                vec![(0, 1)],
                vec![(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
            ]
        );
        // Entities out of order (a JSONL file may list them so) are still
        // each found in their sentence.
        let mut unsorted = docs.clone();
        unsorted[0].entities.reverse();
        let got: Vec<_> = gold_sentences(&unsorted)
            .into_iter()
            .map(|g| g.entities)
            .collect();
        assert_eq!(got, ents);
    }

    #[test]
    fn snapping_extends_to_gold_tokens_and_drops_overlaps() {
        let toks: Vec<(usize, usize, String)> = [(0, 2), (3, 8), (9, 12)]
            .iter()
            .map(|&(a, b)| (a, b, "x".to_string()))
            .collect();
        let pred = vec![(0, 1, Label::Per), (1, 5, Label::Loc), (9, 12, Label::Org)];
        assert_eq!(
            snap_to_tokens(&pred, &toks),
            vec![(0, 2, Label::Per), (9, 12, Label::Org)]
        );
    }
}
