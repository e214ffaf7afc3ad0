//! Pseudo-random values for the tests that save large files many times (the crash
//! and concurrency tests): text and numbers that lz4 finds little to compress, and
//! that differ everywhere from one seed to the next.

/// `text_len` pseudo-random letters (`a` to `p`; `text_len` a multiple of 8) and
/// `numbers` pseudo-random `u64`s, from `seed` (xorshift64).
pub fn noise(seed: u64, text_len: usize, numbers: usize) -> (String, Vec<u64>) {
    // xorshift64 is stuck at zero: keep the state odd.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Eight letters per random number: a debug build is slow at this, and it runs
    // in every child process.
    let mut text = vec![0u8; text_len];
    for chunk in text.chunks_exact_mut(8) {
        let letters = next() & 0x0f0f_0f0f_0f0f_0f0f;
        chunk.copy_from_slice(&(letters + 0x6161_6161_6161_6161).to_le_bytes());
    }
    let text = String::from_utf8(text).expect("ASCII letters");
    (text, (0..numbers).map(|_| next()).collect())
}
