//! Shared test helpers.
pub mod fixtures;
