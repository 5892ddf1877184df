//! Paragraph-level language identification: counting rules for CJK scripts,
//! whatlang for alphabetic text.

use std::fmt;

use zhen_core::chars::{is_han, is_hangul, is_kana};

/// A language code: ISO 639-1 (`zh`, `en`, `ja`, `ko`, `fr` …) or `und`.
///
/// `zh` says nothing about the script; the caller decides `zh-Hans` /
/// `zh-Hant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(&'static str);

// whatlang's languages and their ISO 639-1 codes.
const CODES: &[(whatlang::Lang, &str)] = {
    use whatlang::Lang::*;
    &[
        (Epo, "eo"),
        (Eng, "en"),
        (Rus, "ru"),
        (Cmn, "zh"),
        (Spa, "es"),
        (Por, "pt"),
        (Ita, "it"),
        (Ben, "bn"),
        (Fra, "fr"),
        (Deu, "de"),
        (Ukr, "uk"),
        (Kat, "ka"),
        (Ara, "ar"),
        (Hin, "hi"),
        (Jpn, "ja"),
        (Heb, "he"),
        (Yid, "yi"),
        (Pol, "pl"),
        (Amh, "am"),
        (Jav, "jv"),
        (Kor, "ko"),
        (Nob, "nb"),
        (Dan, "da"),
        (Swe, "sv"),
        (Fin, "fi"),
        (Tur, "tr"),
        (Nld, "nl"),
        (Hun, "hu"),
        (Ces, "cs"),
        (Ell, "el"),
        (Bul, "bg"),
        (Bel, "be"),
        (Mar, "mr"),
        (Kan, "kn"),
        (Ron, "ro"),
        (Slv, "sl"),
        (Hrv, "hr"),
        (Srp, "sr"),
        (Mkd, "mk"),
        (Lit, "lt"),
        (Lav, "lv"),
        (Est, "et"),
        (Tam, "ta"),
        (Vie, "vi"),
        (Urd, "ur"),
        (Tha, "th"),
        (Guj, "gu"),
        (Uzb, "uz"),
        (Pan, "pa"),
        (Aze, "az"),
        (Ind, "id"),
        (Tel, "te"),
        (Pes, "fa"),
        (Mal, "ml"),
        (Ori, "or"),
        (Mya, "my"),
        (Nep, "ne"),
        (Sin, "si"),
        (Khm, "km"),
        (Tuk, "tk"),
        (Aka, "ak"),
        (Zul, "zu"),
        (Sna, "sn"),
        (Afr, "af"),
        (Lat, "la"),
        (Slk, "sk"),
        (Cat, "ca"),
        (Tgl, "tl"),
        (Hye, "hy"),
        (Cym, "cy"),
    ]
};

impl Lang {
    /// Chinese (either script).
    pub const ZH: Lang = Lang("zh");
    /// English.
    pub const EN: Lang = Lang("en");
    /// Japanese.
    pub const JA: Lang = Lang("ja");
    /// Korean.
    pub const KO: Lang = Lang("ko");
    /// Undetermined: too short or unreliable.
    pub const UND: Lang = Lang("und");

    /// The code: `zh`, `en`, `ja`, `und`, …
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The language of an ISO 639-1 code known to zhen (whatlang's languages
    /// and `und`), or `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        if code == "und" {
            return Some(Lang::UND);
        }
        CODES.iter().find(|(_, c)| *c == code).map(|(_, c)| Lang(c))
    }

    fn from_whatlang(l: whatlang::Lang) -> Lang {
        CODES
            .iter()
            .find(|(w, _)| *w == l)
            .map_or(Lang::UND, |(_, c)| Lang(c))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Fewest Han (or kana, hangul) characters for a CJK language decision.
pub const MIN_CJK_CHARS: usize = 2;
/// Fewest letters for an alphabetic language decision by whatlang.
pub const MIN_LETTERS: usize = 12;

/// Identifies the language of a paragraph.
///
/// Rules, in order (`han`, `kana`, `hangul` count characters of those
/// scripts, `other` counts all other letters):
/// 1. kana present and at least 10 % of Han + kana, with Han + kana ≥
///    [`MIN_CJK_CHARS`] → `ja`;
/// 2. `han` ≥ [`MIN_CJK_CHARS`] and `3 × han ≥ other` (a Han character
///    weighs about as much as a three-letter word piece) → `zh`;
/// 3. the same with hangul → `ko`;
/// 4. fewer than [`MIN_LETTERS`] other letters (`4.jpg`, `2020-04-20 10:51`,
///    a lone Han character) → `und`;
/// 5. whatlang's answer when it is reliable, or when its best guess is
///    English (short English lines rarely reach whatlang's reliability bar,
///    and an unreliable English guess on ≥ 12 letters is right far more often
///    than not), else `und`. A reliable non-English answer on a line whose
///    words mostly start with a capital (a list of names or codes) is `und`:
///    there whatlang names the names' origin.
///
/// ```
/// use zhen_tokenize::language;
/// assert_eq!(language("大沥镇结合自身经验与丰富资源").as_str(), "zh");
/// assert_eq!(language("The European Commission said on Thursday it disagreed.").as_str(), "en");
/// assert_eq!(language("東京都に住んでいます").as_str(), "ja");
/// assert_eq!(language("4.jpg").as_str(), "und");
/// ```
pub fn language(text: &str) -> Lang {
    let (mut han, mut kana, mut hangul, mut other) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if is_kana(c) {
            kana += 1;
        } else if is_hangul(c) {
            hangul += 1;
        } else if c.is_alphabetic() {
            other += 1;
        }
    }
    if kana > 0 && kana * 10 >= han + kana && han + kana >= MIN_CJK_CHARS {
        return Lang::JA;
    }
    if han >= MIN_CJK_CHARS && han * 3 >= other {
        return Lang::ZH;
    }
    if hangul >= MIN_CJK_CHARS && hangul * 3 >= other {
        return Lang::KO;
    }
    if other < MIN_LETTERS {
        return Lang::UND;
    }
    match whatlang::detect(text) {
        Some(info) if info.lang() == whatlang::Lang::Eng => Lang::EN,
        Some(info) if info.is_reliable() && !is_name_list(text) => Lang::from_whatlang(info.lang()),
        _ => Lang::UND,
    }
}

/// Whether most words start with a capital (`Squad : Javier Pertile , Paolo
/// Vaccari , …`, `MOODY 'S : Aaa`): lists of names and codes, on which
/// language identification answers with the names' origin, not the text's.
fn is_name_list(text: &str) -> bool {
    let (mut words, mut caps) = (0usize, 0usize);
    for w in text.split_whitespace() {
        if let Some(c) = w.chars().find(|c| c.is_alphabetic()) {
            words += 1;
            caps += c.is_uppercase() as usize;
        }
    }
    words >= 3 && caps * 10 >= words * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let l = |s: &str| language(s).as_str();
        assert_eq!(l("党建引领"), "zh");
        assert_eq!(l("钟山县委组织部抓好定点帮扶工作"), "zh");
        assert_eq!(l("領航新時代鄉村振興"), "zh");
        assert_eq!(l("OPPO和vivo发布了新手机"), "zh");
        assert_eq!(l("4.jpg"), "und");
        assert_eq!(l("2020-04-20 10:51"), "und");
        assert_eq!(l("BRUSSELS 1996-08-22"), "und");
        assert_eq!(l("Click here to read more"), "en");
        assert_eq!(l("里"), "und");
        assert_eq!(l(""), "und");
        assert_eq!(l("ひらがなとカタカナ"), "ja");
        assert_eq!(l("我の世界真好玩啊朋友们大家好"), "zh");
        assert_eq!(l("대한민국의 수도는 서울입니다"), "ko");
        assert_eq!(l("Peter Blackburn said the plan was good."), "en");
        assert_eq!(
            l("La Commission européenne a rejeté jeudi l'appel de l'Allemagne à boycotter la viande bovine britannique, selon un porte-parole de la commission."),
            "fr"
        );
        assert_eq!(
            l("Squad : Javier Pertile , Paolo Vaccari , Marcello Cuttitta , Ivan Francescato , Leandro Manteri"),
            "und"
        );
        assert_eq!(
            l("Die Bundesregierung hat am Montag die neuen Regeln für den Handel mit Rindfleisch beschlossen."),
            "de"
        );
        assert_eq!(Lang::from_code("de").unwrap().as_str(), "de");
        assert_eq!(Lang::from_code("xx"), None);
    }
}
