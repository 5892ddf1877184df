//! `zhen convert`: OpenCC conversion.

use std::io::Write;

use anyhow::{Context, Result};
use zhen::script::{Config, Converter};

use crate::io::{for_each_input, stdout, InputArgs};

/// Convert between Chinese scripts with OpenCC 1.4.2's tables and algorithm.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OpenCC configuration: s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s s2hkp
    /// hk2sp t2tw tw2t t2hk hk2t t2jp jp2t.
    #[arg(short = 'c', long = "config")]
    config: String,
    #[command(flatten)]
    input: InputArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let config: Config = args.config.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let conv = Converter::new(config).context("loading the OpenCC tables")?;
    let mut out = stdout();
    let status = for_each_input(&args.input, |_, text, _| {
        out.write_all(conv.convert(&text).as_bytes())?;
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
