//! [`Schema`] for the serde-enabled types of time 0.3 (read from time 0.3.55):
//! `src/serde/mod.rs` (the `Serialize` and `Deserialize` impls) and
//! `src/serde/visitor.rs` (what each visitor accepts).
//!
//! In a format that is not human-readable, time writes numbers: a tuple of the
//! components (read back with `deserialize_tuple` of the same length), or a single
//! integer. The strings of its `serde-human-readable` feature are written only when
//! `is_human_readable()` is true, never in postcard. Its `large-dates` feature widens
//! the range of the year, not its type (`i32`), so it does not change the layout
//! (a program without it refuses a year past ±9999 as out of range).

use time::{
    Date, Month, OffsetDateTime, PlainDateTime, SignedDuration, Time, Timestamp, UtcDateTime,
    UtcOffset, Weekday,
};

use crate::schema::{Builder, Node, Schema};

/// Types whose `Serialize` writes a Rust tuple (`serialize_tuple`, no length in
/// postcard): described by that tuple's own impl.
macro_rules! tuple {
    ($($(#[$doc:meta])* $ty:ty => $tuple:ty;)*) => {
        $(impl Schema for $ty {
            $(#[$doc])*
            fn describe(builder: &mut Builder) -> Node {
                <$tuple>::describe(builder)
            }
        })*
    };
}

tuple! {
    /// serde: `(year, ordinal)`, `deserialize_tuple(2)`.
    Date => (i32, u16);
    /// serde: `(hour, minute, second, nanosecond)`, `deserialize_tuple(4)`.
    Time => (u8, u8, u8, u32);
    /// serde: `(year, ordinal, hour, minute, second, nanosecond)`,
    /// `deserialize_tuple(6)`; also the type behind the alias `PrimitiveDateTime`.
    PlainDateTime => (i32, u16, u8, u8, u8, u32);
    /// serde: `(year, ordinal, hour, minute, second, nanosecond)`,
    /// `deserialize_tuple(6)`.
    UtcDateTime => (i32, u16, u8, u8, u8, u32);
    /// serde: `(year, ordinal, hour, minute, second, nanosecond, offset hours,
    /// offset minutes, offset seconds)`, one flat tuple, `deserialize_tuple(9)`.
    OffsetDateTime => (i32, u16, u8, u8, u8, u32, i8, i8, i8);
    /// serde: `(whole_hours, minutes_past_hour, seconds_past_minute)`,
    /// `deserialize_tuple(3)`.
    UtcOffset => (i8, i8, i8);
    /// serde: `(whole_seconds, subsec_nanoseconds)`, `deserialize_tuple(2)`; also
    /// the type behind the alias `Duration`.
    SignedDuration => (i64, i32);
}

impl Schema for Timestamp {
    /// serde: `as_nanoseconds()`, an `i128`, read with `deserialize_i128`.
    fn describe(_: &mut Builder) -> Node {
        Node::I128
    }
}

impl Schema for Weekday {
    /// serde: `number_from_monday()`, a `u8` from 1 to 7, read with `deserialize_u8`.
    fn describe(_: &mut Builder) -> Node {
        Node::U8
    }
}

impl Schema for Month {
    /// serde: `u8::from(month)`, a `u8` from 1 to 12, read with `deserialize_u8`.
    fn describe(_: &mut Builder) -> Node {
        Node::U8
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::Description;

    use super::*;

    #[test]
    fn time_types_describe_as_time_writes_them() {
        let d = Description::of::<(OffsetDateTime, Date, Time, UtcOffset, Timestamp, Month)>();
        assert_eq!(
            d.root().to_string(),
            "((i32, u16, u8, u8, u8, u32, i8, i8, i8), (i32, u16), (u8, u8, u8, u32), \
             (i8, i8, i8), i128, u8)"
        );
        assert!(d.definitions().is_empty());
    }
}
