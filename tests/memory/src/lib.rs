//! Test-only crate: see `tests/bounds.rs`.
