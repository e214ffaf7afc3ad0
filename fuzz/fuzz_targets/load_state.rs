//! Fuzz target `load_state`: see `persist_fuzz::targets::load_state`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    persist_fuzz::targets::load_state(data);
});
