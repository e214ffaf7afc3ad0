//! Fuzzing persist's loaders.
//!
//! Shared by the fuzz crate (`fuzz/fuzz_targets/*.rs`, one binary per target) and
//! the regression test (`tests/fuzz_regressions.rs`, which includes this file with
//! `#[path]`), so that every input a fuzzer saved replays under plain `cargo test`
//! through exactly the code that found it.

#![forbid(unsafe_code)]

pub mod envelope;
pub mod seeds;
pub mod targets;
pub mod types;
