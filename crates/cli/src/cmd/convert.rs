//! `zhen convert`: OpenCC conversion.

use std::io::Write;

use anyhow::{Context, Result};
use zhen::script::{Config, Converter};

use crate::io::{for_each_input, stdout, InputArgs};

/// Convert between Chinese scripts with OpenCC 1.4.2's tables and algorithm.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OpenCC configuration (also accepted with `.json`).
    #[arg(short = 'c', long = "config", value_enum)]
    config: Config,
    #[command(flatten)]
    input: InputArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let conv = Converter::new(args.config).context("loading the OpenCC tables")?;
    let mut out = stdout();
    let status = for_each_input(&args.input, |_, text, _| {
        conv.convert_to(&text, &mut out)?;
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
