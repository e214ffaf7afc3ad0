//! LEB128 unsigned varints, the integer encoding of the file's schema section.
//!
//! The same encoding postcard uses for lengths, so the whole file speaks one dialect.

/// Appends `value` as a varint of 1 to 10 bytes.
pub(crate) fn write_u64(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint from the front of `bytes`: the value and how many bytes it used.
/// `None` when the bytes end first, or the value overflows 64 bits or is not minimal.
pub(crate) fn read_u64(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        let bits = u64::from(byte & 0x7f);
        if i == 9 && byte > 1 {
            return None; // would overflow 64 bits
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            // A trailing zero byte means a longer encoding than needed: refuse it, so
            // that every value has exactly one encoding and fingerprints stay canonical.
            if i > 0 && byte == 0 {
                return None;
            }
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_edges() {
        for value in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX - 1, u64::MAX] {
            let mut out = Vec::new();
            write_u64(&mut out, value);
            assert_eq!(read_u64(&out), Some((value, out.len())), "{value}");
        }
    }

    #[test]
    fn refuses_truncated_overlong_and_overflowing() {
        assert_eq!(read_u64(&[0x80]), None);
        assert_eq!(read_u64(&[0x80, 0x00]), None);
        assert_eq!(
            read_u64(&[0xff; 9].iter().chain(&[0x02]).copied().collect::<Vec<_>>()),
            None
        );
    }
}
