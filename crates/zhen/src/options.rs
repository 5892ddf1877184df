//! The pipeline settings a caller chooses, as one value: what the CLI's
//! flags and the Python keyword arguments fill in, what builds the
//! [`Pipeline`], and what a manifest records.

use std::path::PathBuf;

use crate::{ConvertMode, Error, Pipeline, PipelineBuilder, Result};

/// How to build a [`Pipeline`]: cleaning, conversion, the user's
/// dictionary, entity list and NER model, document consistency.
///
/// ```
/// let options = zhen::PipelineOptions::default();
/// assert!(options.clean && options.doc_consistency);
/// assert_eq!(options.describe()["convert"], "t2s");
/// # Ok::<(), zhen::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineOptions {
    /// Clean the text first (OCR spaces, broken lines, boilerplate…).
    pub clean: bool,
    /// How Chinese text is converted before segmentation and tagging.
    pub convert: ConvertMode,
    /// A jieba user dictionary (`word [freq] [tag]` lines).
    pub user_dict: Option<PathBuf>,
    /// Known entities to force (`surface,label` CSV).
    pub entities: Option<PathBuf>,
    /// A NER model file replacing the embedded model of its language.
    pub model: Option<PathBuf>,
    /// Propagate names recognised once to their other mentions in a document.
    pub doc_consistency: bool,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            clean: true,
            convert: ConvertMode::T2s,
            user_dict: None,
            entities: None,
            model: None,
            doc_consistency: true,
        }
    }
}

impl PipelineOptions {
    /// A builder with these settings, its files loaded (errors say which
    /// setting's file failed).
    pub fn builder(&self) -> Result<PipelineBuilder> {
        let setting = |setting: &'static str| {
            move |e: Error| Error::Setting {
                setting,
                cause: Box::new(e),
            }
        };
        let mut b = Pipeline::builder()
            .convert(self.convert)
            .document_consistency(self.doc_consistency);
        if !self.clean {
            b = b.no_clean();
        }
        if let Some(p) = &self.user_dict {
            b = b.user_dict_path(p).map_err(setting("user dictionary"))?;
        }
        if let Some(p) = &self.entities {
            b = b.entities_path(p).map_err(setting("entity list"))?;
        }
        if let Some(p) = &self.model {
            b = b.model_path(p).map_err(setting("NER model"))?;
        }
        Ok(b)
    }

    /// The pipeline with these settings.
    pub fn build(&self) -> Result<Pipeline> {
        self.builder()?.build()
    }

    /// The settings as a manifest records them (`convert` by name, paths as
    /// given).
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "clean": self.clean,
            "convert": self.convert.name(),
            "user_dict": self.user_dict.as_ref().map(|p| p.display().to_string()),
            "entities": self.entities.as_ref().map(|p| p.display().to_string()),
            "model": self.model.as_ref().map(|p| p.display().to_string()),
            "doc_consistency": self.doc_consistency,
        })
    }
}
