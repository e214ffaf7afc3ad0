//! Fuzz target `zstd_payload`: see `persist_fuzz::targets::zstd_payload`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::zstd_payload(data);
});
