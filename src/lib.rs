//! placeholder
pub use persist_core::*;
