//! The sixteen OpenCC configs, compiled when zhen-script is built.
//!
//! Building a converter from text dictionaries takes 15 ms (`t2s`) to
//! 0.2 s (`s2t`, which first generates `STPhrases_GeneratedFromRegionalPhrases`
//! by converting every Hong Kong and Taiwan phrase) — at every start of
//! every process. `build.rs` runs the same code ([`build`]) once, at build
//! time, over `data/`, and writes every distinct matcher (answers, their
//! outputs, char table, and the double-array trie of its keys) and which
//! matchers each config uses. At run time a converter reads only its own
//! matchers ([`Compiled::pipeline`]): a copy and a check of the tables,
//! no parsing, no generation, no trie construction.
//!
//! Layout (little-endian): magic `ZOCC0003`; `u32` matcher count, then per
//! matcher `u64` offset and `u64` length of its bytes ([`Matcher::write`]);
//! `u32` config count, then per config its name (`u8` length + bytes),
//! `u32` count + ids of its normalization matchers, `u32` id of its
//! segmentation matcher (`u32::MAX`: none), `u32` count + ids of its chain.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::config::{ConfigSpec, DirSource, Loader};
use crate::convert::Pipeline;
use crate::matcher::Matcher;
use crate::{Error, Result};

/// The configs, in `Config::ALL` order.
#[cfg_attr(not(test), allow(dead_code))] // used by build.rs
pub(crate) const NAMES: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

const MAGIC: &[u8; 8] = b"ZOCC0003";
const NONE: u32 = u32::MAX;

#[cfg_attr(not(test), allow(dead_code))] // used by build.rs
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Compiles every config of `data/config` with the dictionaries of
/// `data/dictionary` (tofu-risk dictionaries included, as OpenCC's default).
#[cfg_attr(not(test), allow(dead_code))] // called by build.rs
pub(crate) fn build(data: &Path) -> Result<Vec<u8>> {
    let mut loader = Loader::new(Box::new(DirSource {
        dirs: vec![data.join("dictionary")],
    }));
    let mut matchers: Vec<Arc<Matcher>> = Vec::new();
    let mut id = |m: &Arc<Matcher>| -> u32 {
        let i = match matchers.iter().position(|x| Arc::ptr_eq(x, m)) {
            Some(i) => i,
            None => {
                matchers.push(m.clone());
                matchers.len() - 1
            }
        };
        i as u32
    };
    let mut configs = Vec::new();
    for name in NAMES {
        let path = data.join("config").join(format!("{name}.json"));
        let json = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let spec = ConfigSpec::parse(&json, &path)?;
        let pipeline = Pipeline::build(&spec, &mut loader, true)?;
        let (norm, seg, chain) = pipeline.parts();
        let mut c = Vec::new();
        c.push(name.len() as u8);
        c.extend_from_slice(name.as_bytes());
        put_u32(&mut c, norm.len() as u32);
        for m in norm {
            put_u32(&mut c, id(m));
        }
        put_u32(&mut c, seg.map_or(NONE, &mut id));
        put_u32(&mut c, chain.len() as u32);
        for m in chain {
            put_u32(&mut c, id(m));
        }
        configs.push(c);
    }
    let bodies: Vec<Vec<u8>> = matchers
        .iter()
        .map(|m| {
            let mut b = Vec::new();
            m.write(&mut b);
            b
        })
        .collect();
    let mut out = MAGIC.to_vec();
    put_u32(&mut out, bodies.len() as u32);
    let table = out.len();
    out.resize(table + 16 * bodies.len(), 0);
    put_u32(&mut out, configs.len() as u32);
    for c in &configs {
        out.extend_from_slice(c);
    }
    for (i, b) in bodies.iter().enumerate() {
        let at = table + 16 * i;
        let off = out.len() as u64;
        out[at..at + 8].copy_from_slice(&off.to_le_bytes());
        out[at + 8..at + 16].copy_from_slice(&(b.len() as u64).to_le_bytes());
        out.extend_from_slice(b);
    }
    Ok(out)
}

/// The compiled configs of [`build`], read a matcher at a time.
pub(crate) struct Compiled {
    blob: &'static [u8],
    matchers: Vec<OnceLock<Arc<Matcher>>>,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> usize {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes")) as usize
}

impl Compiled {
    /// The configs compiled into `blob` by [`build`] (this crate's build script).
    pub fn new(blob: &'static [u8]) -> Compiled {
        assert_eq!(&blob[..8], MAGIC, "the tables compiled by build.rs");
        let n = u32_at(blob, 8) as usize;
        Compiled {
            blob,
            matchers: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    fn matcher(&self, id: u32) -> Arc<Matcher> {
        let i = id as usize;
        self.matchers[i]
            .get_or_init(|| {
                let at = 12 + 16 * i;
                let (off, len) = (u64_at(self.blob, at), u64_at(self.blob, at + 8));
                Arc::new(
                    Matcher::read(&self.blob[off..off + len])
                        .expect("the matchers compiled by build.rs read back"),
                )
            })
            .clone()
    }

    /// The pipeline of config `name`, built from its compiled matchers
    /// (shared with every other config that uses them).
    pub fn pipeline(&self, name: &str) -> Pipeline {
        let b = self.blob;
        let mut p = 12 + 16 * self.matchers.len();
        let configs = u32_at(b, p);
        p += 4;
        let ids = |p: &mut usize| -> Vec<u32> {
            let n = u32_at(b, *p) as usize;
            let v = (0..n).map(|i| u32_at(b, *p + 4 + 4 * i)).collect();
            *p += 4 + 4 * n;
            v
        };
        for _ in 0..configs {
            let len = b[p] as usize;
            let this = &b[p + 1..p + 1 + len];
            p += 1 + len;
            let norm = ids(&mut p);
            let seg = u32_at(b, p);
            p += 4;
            let chain = ids(&mut p);
            if this == name.as_bytes() {
                return Pipeline::from_parts(
                    norm.into_iter().map(|i| self.matcher(i)).collect(),
                    (seg != NONE).then(|| self.matcher(seg)),
                    chain.into_iter().map(|i| self.matcher(i)).collect(),
                );
            }
        }
        panic!("config {name} is compiled by build.rs")
    }
}

#[cfg(all(test, feature = "embed"))]
mod tests {
    use super::*;

    /// The tables in the binary are what the crate's sources compile to,
    /// byte for byte (the build is deterministic), and every config reads
    /// back from them.
    #[test]
    fn embedded_tables_are_a_fresh_compile_of_data() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let fresh = build(&data).unwrap();
        let embedded = include_bytes!(concat!(env!("OUT_DIR"), "/opencc.bin"));
        assert!(fresh == embedded, "build.rs and a fresh compile differ");
        let c = Compiled::new(embedded);
        for name in NAMES {
            let p = c.pipeline(name);
            let (norm, _, chain) = p.parts();
            assert!(!norm.is_empty() || !chain.is_empty(), "{name}");
        }
    }
}
