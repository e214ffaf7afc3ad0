//! Fuzz target `foreign_fields`: see `persist_fuzz::targets::foreign_fields`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::foreign_fields(data);
});
