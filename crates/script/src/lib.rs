//! # zhen-script
//!
//! Simplified/traditional Chinese for zhen:
//!
//! * [`Converter`] — an exact Rust implementation of OpenCC 1.4.2 (the
//!   sixteen configs of [`Config`], same output byte for byte as the C++
//!   library), that also converts an [`AlignedText`] so every converted
//!   character still points to the original characters it came from.
//! * [`detect_script`] and [`script_counts`] — whether a text is written in
//!   simplified (`Hans`) or traditional (`Hant`) characters.
//!
//! The OpenCC 1.4.2 configs and dictionaries are embedded behind the default
//! feature `embed`; [`Converter::from_config_file`] loads any OpenCC config
//! with text dictionaries. See `data/README.md` for their provenance.
//!
//! ```
//! use zhen_core::{AlignedText, Script};
//! use zhen_script::{detect_script, Config, Converter};
//!
//! let t2s = Converter::new(Config::T2s)?;
//! assert_eq!(t2s.convert("頭髮乾燥"), "头发干燥");
//!
//! let mut text = AlignedText::new("我的頭髮乾燥");
//! t2s.convert_aligned(&mut text)?;
//! assert_eq!(text.current(), "我的头发干燥");
//! // 发 (bytes 9..12 of the converted text) came from 髮 in the original
//! let span = text.to_original(9..12);
//! assert_eq!(&text.original()[span.range()], "髮");
//!
//! assert_eq!(detect_script(text.original()), Script::Hant);
//! assert_eq!(detect_script(text.current()), Script::Hans);
//! # Ok::<(), zhen_script::Error>(())
//! ```
//!
//! ## How conversion works
//!
//! As OpenCC: a config may *normalize* first (every config maps CJK
//! compatibility ideographs to their unified forms), may *segment* the text
//! by maximum forward matching over a phrase dictionary (`mmseg`), and then
//! runs its *conversion chain*: each step rewrites every segment by maximum
//! forward matching over its dictionary or dictionary group; unmatched
//! characters (and whole ideographic description sequences) pass through; a
//! key with several candidates gives the first. Groups follow OpenCC's
//! `match_policy`: `short_circuit` takes the first dictionary that matches at
//! a position, `union` the longest match of any. Each step is one
//! [`AlignedText::apply`] with one [`Edit`](zhen_core::Edit) per match whose
//! output differs from its key, so alignments compose across steps.
//!
//! One OpenCC quirk is reproduced on purpose: configs with segmentation hand
//! segments to the chain as C strings, so the rest of a segment after a NUL
//! byte is dropped (the drop is an edit too, so offsets stay correct).
#![deny(missing_docs)]

#[cfg_attr(not(feature = "embed"), allow(dead_code))] // only build.rs compiles without it
mod compiled;
mod config;
mod convert;
mod detect;
mod dict;
mod error;
mod matcher;
mod trie;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use zhen_core::{AlignedText, Normalizer};

pub use detect::{detect_script, script_counts, ScriptCounts, MINORITY_SHARE};
pub use error::{Error, Result};

use config::{ConfigSpec, DirSource, Loader};
use convert::Pipeline;

/// The upstream OpenCC version whose data and behaviour this crate reproduces.
pub const OPENCC_VERSION: &str = "1.4.2";

/// One of OpenCC's sixteen standard configs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Config {
    /// Simplified to traditional (OpenCC standard).
    S2t,
    /// Traditional (OpenCC standard) to simplified.
    T2s,
    /// Simplified to traditional, Taiwan standard.
    S2tw,
    /// Traditional (Taiwan standard) to simplified.
    Tw2s,
    /// Simplified to traditional, Taiwan standard with Taiwan phrases.
    S2twp,
    /// Traditional (Taiwan standard) to simplified with mainland phrases.
    Tw2sp,
    /// Simplified to traditional, Hong Kong variant.
    S2hk,
    /// Traditional (Hong Kong variant) to simplified.
    Hk2s,
    /// Simplified to traditional, Hong Kong variant with Hong Kong phrases.
    S2hkp,
    /// Traditional (Hong Kong variant) to simplified with mainland phrases.
    Hk2sp,
    /// Traditional (OpenCC standard) to Taiwan standard.
    T2tw,
    /// Taiwan standard to traditional (OpenCC standard).
    Tw2t,
    /// Traditional (OpenCC standard) to Hong Kong variant.
    T2hk,
    /// Hong Kong variant to traditional (OpenCC standard).
    Hk2t,
    /// Traditional (Kyūjitai) to Japanese Shinjitai.
    T2jp,
    /// Japanese Shinjitai to traditional (Kyūjitai).
    Jp2t,
}

impl Config {
    /// All sixteen configs, in OpenCC's documentation order.
    pub const ALL: [Config; 16] = [
        Config::S2t,
        Config::T2s,
        Config::S2tw,
        Config::Tw2s,
        Config::S2twp,
        Config::Tw2sp,
        Config::S2hk,
        Config::Hk2s,
        Config::S2hkp,
        Config::Hk2sp,
        Config::T2tw,
        Config::Tw2t,
        Config::T2hk,
        Config::Hk2t,
        Config::T2jp,
        Config::Jp2t,
    ];

    /// The OpenCC name (`"s2t"`), also the config file's stem.
    pub fn name(self) -> &'static str {
        match self {
            Config::S2t => "s2t",
            Config::T2s => "t2s",
            Config::S2tw => "s2tw",
            Config::Tw2s => "tw2s",
            Config::S2twp => "s2twp",
            Config::Tw2sp => "tw2sp",
            Config::S2hk => "s2hk",
            Config::Hk2s => "hk2s",
            Config::S2hkp => "s2hkp",
            Config::Hk2sp => "hk2sp",
            Config::T2tw => "t2tw",
            Config::Tw2t => "tw2t",
            Config::T2hk => "t2hk",
            Config::Hk2t => "hk2t",
            Config::T2jp => "t2jp",
            Config::Jp2t => "jp2t",
        }
    }

    #[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
    fn index(self) -> usize {
        Config::ALL
            .iter()
            .position(|&c| c == self)
            .expect("ALL lists every config")
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "clap")]
zhen_core::value_enum!(Config, |c| vec![format!("{}.json", c.name())]);

impl FromStr for Config {
    type Err = Error;

    /// Parses an OpenCC config name: `t2s` or `t2s.json`.
    fn from_str(s: &str) -> Result<Config> {
        let stem = s.strip_suffix(".json").unwrap_or(s);
        Config::ALL
            .into_iter()
            .find(|c| c.name() == stem)
            .ok_or_else(|| Error::UnknownConfig {
                name: s.to_string(),
                valid: Config::ALL.map(Config::name).join(", "),
            })
    }
}

/// An OpenCC converter. Cheap to clone and share between threads.
#[derive(Clone, Debug)]
pub struct Converter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    pipeline: Pipeline,
}

#[cfg(feature = "embed")]
mod embedded {
    use super::*;
    use std::sync::OnceLock;

    /// The sixteen configs, compiled by `build.rs` (see `compiled.rs`).
    static TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/opencc.bin"));

    pub(super) fn converter(config: Config) -> Result<Converter> {
        static COMPILED: OnceLock<compiled::Compiled> = OnceLock::new();
        static CACHE: [OnceLock<Converter>; 16] = [const { OnceLock::new() }; 16];
        Ok(CACHE[config.index()]
            .get_or_init(|| {
                let tables = COMPILED.get_or_init(|| compiled::Compiled::new(TABLES));
                Converter {
                    inner: Arc::new(Inner {
                        name: config.name().to_string(),
                        pipeline: tables.pipeline(config.name()),
                    }),
                }
            })
            .clone())
    }
}

impl Converter {
    /// The converter of an embedded OpenCC 1.4.2 config. Built once per
    /// config and process (dictionaries shared between configs), then a
    /// cheap clone.
    #[cfg(feature = "embed")]
    pub fn new(config: Config) -> Result<Converter> {
        embedded::converter(config)
    }

    /// Loads an OpenCC config file. Its dictionaries (`"file": "X.ocd2"`,
    /// `"X.ocd"` or `"X.txt"`) are read as text dictionaries `X.txt` from the
    /// config's directory, then `../dictionary/` and `dictionary/` beside it
    /// (the layout of OpenCC's source tree and of this crate's `data/`).
    /// Dictionaries that OpenCC generates at build time (`TSCharactersExt`,
    /// `STPhrases_GeneratedFromRegionalPhrases`, `TWVariantsRev`,
    /// `HKVariantsRev`, `JPShinjitaiCharactersRev`) are generated from their
    /// sources when no `.txt` is found. Tofu-risk dictionaries are included,
    /// as OpenCC's default.
    pub fn from_config_file(json_path: &Path) -> Result<Converter> {
        let json = std::fs::read_to_string(json_path).map_err(|source| Error::Io {
            path: json_path.to_path_buf(),
            source,
        })?;
        let dir = json_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let dirs = vec![
            dir.clone(),
            dir.join("../dictionary"),
            dir.join("dictionary"),
        ];
        let name = json_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_config_str(&json, json_path, &name, dirs, true)
    }

    /// Loads a config from its JSON text, reading dictionaries `X.txt` from
    /// `dict_dirs` (first found wins). `label` names the config in errors;
    /// `include_tofu_risk` keeps the dictionaries marked `may_output_tofu`
    /// (OpenCC's default is `true`).
    pub fn from_config_str(
        json: &str,
        label: &Path,
        name: &str,
        dict_dirs: Vec<PathBuf>,
        include_tofu_risk: bool,
    ) -> Result<Converter> {
        let spec = ConfigSpec::parse(json, label)?;
        let mut loader = Loader::new(Box::new(DirSource { dirs: dict_dirs }));
        let pipeline = Pipeline::build(&spec, &mut loader, include_tofu_risk)?;
        let name = if name.is_empty() {
            spec.name.clone().unwrap_or_default()
        } else {
            name.to_string()
        };
        Ok(Converter {
            inner: Arc::new(Inner { name, pipeline }),
        })
    }

    /// The config's name (`"t2s"`; the file stem for configs from files).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Converts a string, exactly as OpenCC 1.4.2 does.
    pub fn convert(&self, text: &str) -> String {
        self.inner.pipeline.convert(text)
    }

    /// [`Converter::convert`] written to `w` as it is produced, a few
    /// hundred kB at a time: no string of the whole output is built (on a
    /// 20 MB text that saves 20 MB of memory and its page faults). Stops
    /// writing at the first error and returns it.
    ///
    /// ```
    /// use zhen_script::{Config, Converter};
    ///
    /// let mut out = Vec::new();
    /// Converter::new(Config::T2s)?.convert_to("頭髮乾燥", &mut out)?;
    /// assert_eq!(out, "头发干燥".as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn convert_to(&self, text: &str, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let mut out = convert::Spill::new(w);
        self.inner.pipeline.convert_into(text, &mut out);
        out.finish()
    }

    /// Converts the whole current text of `text`, keeping the alignment to
    /// the original. Afterwards `text.current()` equals
    /// `self.convert(old current)`.
    pub fn convert_aligned(&self, text: &mut AlignedText) -> Result<()> {
        let len = text.current().len();
        self.convert_range(text, 0..len).map(|_| ())
    }

    /// Converts only the byte range `range` of the current text (as if it
    /// were a text of its own); returns the range the converted part
    /// occupies afterwards. The range must lie on char boundaries.
    pub fn convert_range(
        &self,
        text: &mut AlignedText,
        range: Range<usize>,
    ) -> Result<Range<usize>> {
        let r = self.convert_ranges(text, std::slice::from_ref(&range))?;
        Ok(r.into_iter().next().expect("one range in, one out"))
    }

    /// Converts each of `ranges` of the current text (sorted, disjoint, on
    /// char boundaries) as a text of its own, as [`Converter::convert_range`]
    /// does one by one, but in one pass over the text per conversion step;
    /// returns where each converted part lies afterwards.
    ///
    /// ```
    /// use zhen_core::AlignedText;
    /// use zhen_script::{Config, Converter};
    ///
    /// let t2s = Converter::new(Config::T2s)?;
    /// let mut text = AlignedText::new("頭髮\nkeep 頭髮\n乾燥");
    /// let r = t2s.convert_ranges(&mut text, &[0..6, 19..25])?;
    /// assert_eq!(text.current(), "头发\nkeep 頭髮\n干燥");
    /// assert_eq!(r, [0..6, 19..25]);
    /// # Ok::<(), zhen_script::Error>(())
    /// ```
    pub fn convert_ranges(
        &self,
        text: &mut AlignedText,
        ranges: &[Range<usize>],
    ) -> Result<Vec<Range<usize>>> {
        self.inner.pipeline.convert_aligned(text, ranges)
    }
}

impl Normalizer for Converter {
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn normalize(&self, text: &mut AlignedText) -> zhen_core::Result<()> {
        self.convert_aligned(text).map_err(|e| match e {
            Error::Core(e) => e,
            other => unreachable!("conversion of loaded dictionaries only fails in apply: {other}"),
        })
    }
}

#[cfg(all(test, feature = "embed"))]
mod tests {
    use super::*;

    #[test]
    fn config_names_round_trip() {
        for c in Config::ALL {
            assert_eq!(c.name().parse::<Config>().unwrap(), c);
            assert_eq!(format!("{c}"), c.name());
        }
        assert_eq!("s2twp.json".parse::<Config>().unwrap(), Config::S2twp);
        let e = "x2y".parse::<Config>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown OpenCC config \"x2y\"; valid names: s2t, t2s, s2tw, tw2s, s2twp, tw2sp, \
             s2hk, hk2s, s2hkp, hk2sp, t2tw, tw2t, t2hk, hk2t, t2jp, jp2t"
        );
    }

    #[test]
    fn converters_are_cached_and_shareable() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Converter>();
        let a = Converter::new(Config::S2t).unwrap();
        let b = Converter::new(Config::S2t).unwrap();
        assert!(Arc::ptr_eq(&a.inner, &b.inner));
        assert_eq!(a.name(), "s2t");
    }

    /// Written in pieces, the output is `convert`'s, byte for byte — for
    /// texts below, around and well above the piece size, with segmentation
    /// (s2twp) and without, and with a long run of unchanged text.
    #[test]
    fn convert_to_writes_what_convert_returns() {
        let unit = "頭髮乾燥，鼠标和软件，⿰言兌。\n";
        let texts = [
            String::new(),
            unit.to_string(),
            unit.repeat(20_000),
            format!("{}{}{}", unit, "x".repeat(600_000), unit.repeat(9_000)),
        ];
        for c in [Config::T2s, Config::S2t, Config::S2twp] {
            let conv = Converter::new(c).unwrap();
            for t in &texts {
                let mut out = Vec::new();
                conv.convert_to(t, &mut out).unwrap();
                assert!(out == conv.convert(t).as_bytes(), "{c}, {} bytes", t.len());
            }
        }
    }

    #[test]
    fn convert_to_returns_the_first_write_error() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let conv = Converter::new(Config::T2s).unwrap();
        let e = conv
            .convert_to(&"頭髮".repeat(200_000), &mut Full)
            .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
    }
}
