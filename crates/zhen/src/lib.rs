//! # zhen
//!
//! Facade of the zhen toolkit (work in progress: the input layer).
#![deny(missing_docs)]

pub mod input;
pub use zhen_core as core;
