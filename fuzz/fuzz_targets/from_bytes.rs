//! Fuzz target `from_bytes`: see `persist_fuzz::targets::from_bytes`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::from_bytes(data);
});
