//! Fuzz target `lz4_payload`: see `persist_fuzz::targets::lz4_payload`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::lz4_payload(data);
});
