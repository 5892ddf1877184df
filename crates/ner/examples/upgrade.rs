//! Rewrites NER model files in the current format (version 3), in place.
//!
//! ```text
//! cargo run --release -p zhen-ner --example upgrade -- MODEL.zner [MODEL.zner …]
//! ```
//! Each file is read (version 2 or 3), written beside itself and renamed
//! over it, so an interrupted run leaves the old file whole. The rewritten
//! model has the same feature weights, lexicon and transition scores, and
//! tags exactly as before; the example checks that before the rename.

use std::path::Path;
use std::process::ExitCode;

use zhen_ner::NerModel;

fn upgrade(path: &Path) -> Result<String, String> {
    let old = NerModel::from_path(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    old.write(&mut bytes).map_err(|e| e.to_string())?;
    let new = NerModel::from_bytes(&bytes).map_err(|e| e.to_string())?;
    let rows = |m: &NerModel| {
        let mut out = Vec::new();
        m.write(&mut out).map(|_| out)
    };
    if rows(&new).map_err(|e| e.to_string())? != bytes
        || new.num_features() != old.num_features()
        || new.lexicon_len() != old.lexicon_len()
        || new.cluster_len() != old.cluster_len()
    {
        return Err("the rewritten model does not read back the same".into());
    }
    let tmp = path.with_extension("zner.tmp");
    std::fs::write(&tmp, &bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!(
        "{}: {} ({} features) rewritten in format version 3, {} bytes",
        path.display(),
        new.id(),
        new.num_features(),
        bytes.len()
    ))
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: upgrade MODEL.zner [MODEL.zner …]");
        return ExitCode::from(2);
    }
    let mut status = ExitCode::SUCCESS;
    for p in &paths {
        match upgrade(Path::new(p)) {
            Ok(msg) => eprintln!("{msg}"),
            Err(e) => {
                eprintln!("error: {e}");
                status = ExitCode::from(1);
            }
        }
    }
    status
}
