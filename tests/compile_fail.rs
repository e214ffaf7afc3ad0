//! `#[derive(Schema)]` refuses what it cannot describe, at the attribute, saying why.
//!
//! Each `tests/ui/*.rs` must fail to compile with exactly the pinned `.stderr`.
//! After changing a message, regenerate with
//! `TRYBUILD=overwrite cargo test --test compile_fail` and read every diff.

#[test]
fn refusals() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
