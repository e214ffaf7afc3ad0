//! Fuzz target `value_decode`: see `persist_fuzz::targets::value_decode`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::value_decode(data);
});
