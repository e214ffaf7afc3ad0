//! Fuzz target `inspect_bytes`: see `persist_fuzz::targets::inspect_bytes`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::inspect_bytes(data);
});
