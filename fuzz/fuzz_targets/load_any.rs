//! Fuzz target `load_any`: see `persist_fuzz::targets::load_any`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::load_any(data);
});
