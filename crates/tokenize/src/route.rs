//! The one decision of which tokenizer and which NER model a sentence goes to.

use zhen_core::chars::{is_han, is_kana};

use crate::Lang;

/// Where a sentence goes: its tokenizer and its NER model. Decided once per
/// sentence by [`route`]; [`Tokenizer::tokenize`](crate::Tokenizer::tokenize)
/// and the pipeline's tagger both follow it, so a sentence never reaches
/// jieba and the English tagger at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// jieba words and tags; the Chinese NER model.
    Chinese,
    /// English tokens with Penn Treebank POS; the English NER model.
    English,
    /// English-style tokens without POS; no NER model.
    Other,
}

/// Routes a sentence in language `lang` (its paragraph's):
/// Chinese and Japanese, and any other text with Han or kana (`und`
/// headlines such as `4.jpg 广州`), go to [`Route::Chinese`]; English and
/// `und` text without them (CoNLL-2003 datelines, `BRUSSELS 1996-08-22`,
/// bare numbers) to [`Route::English`]; other languages to [`Route::Other`].
///
/// ```
/// use zhen_tokenize::{route, Lang, Route};
/// let und = Lang::from_code("und").unwrap();
/// assert_eq!(route(&und, "BRUSSELS 1996-08-22"), Route::English);
/// assert_eq!(route(&und, "4.jpg 广州"), Route::Chinese);
/// assert_eq!(route(&Lang::ZH, "OPPO和vivo"), Route::Chinese);
/// assert_eq!(route(&Lang::from_code("fr").unwrap(), "Bonjour à tous"), Route::Other);
/// ```
pub fn route(lang: &Lang, sentence: &str) -> Route {
    match lang.as_str() {
        "zh" | "ja" => Route::Chinese,
        "en" => Route::English,
        _ if sentence.chars().any(|c| is_han(c) || is_kana(c)) => Route::Chinese,
        "und" => Route::English,
        _ => Route::Other,
    }
}
