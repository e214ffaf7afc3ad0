//! `bytes`: `Bytes` and `BytesMut` as byte strings.
//!
//! Their `Deserialize` accepts any byte string, so no stored value can be refused:
//! there is no damaged-field test.

use bytes::{Bytes, BytesMut};

use super::support::{load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Packet {
        pub body: Bytes,
        pub empty: Bytes,
        pub buffer: BytesMut,
        pub empty_buffer: BytesMut,
        pub frames: Vec<Bytes>,
        pub maybe: Option<Bytes>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Packet {
        pub body: Bytes,
        pub empty: Bytes,
        pub buffer: BytesMut,
        pub empty_buffer: BytesMut,
        pub frames: Vec<Bytes>,
        pub maybe: Option<Bytes>,
        #[serde(default)]
        pub sequence: u64,
    }
}

fn packet() -> v1::Packet {
    v1::Packet {
        body: Bytes::from_static(b"\x00\xffhello\x80"),
        empty: Bytes::new(),
        buffer: BytesMut::from(&(0..=255u8).collect::<Vec<_>>()[..]),
        empty_buffer: BytesMut::new(),
        frames: vec![
            Bytes::from_static(b"a"),
            Bytes::new(),
            Bytes::from(vec![7; 300]),
        ],
        maybe: Some(Bytes::from_static(b"tail")),
    }
}

#[test]
fn every_bytes_field_round_trips() {
    round_trip(&packet());
}

#[test]
fn the_state_reads_each_field_back() {
    let value = packet();
    assert_eq!(state_get::<_, Bytes>(&value, "body"), value.body);
    assert_eq!(state_get::<_, Bytes>(&value, "empty"), value.empty);
    assert_eq!(state_get::<_, BytesMut>(&value, "buffer"), value.buffer);
    assert_eq!(
        state_get::<_, BytesMut>(&value, "empty_buffer"),
        value.empty_buffer
    );
    assert_eq!(state_get::<_, Vec<Bytes>>(&value, "frames"), value.frames);
    assert_eq!(state_get::<_, Option<Bytes>>(&value, "maybe"), value.maybe);
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = packet();
    let new: v2::Packet = load_as::<v1::Packet, v2::Packet>(&old).expect("resolves");
    assert_eq!(new.body, old.body);
    assert_eq!(new.empty, old.empty);
    assert_eq!(new.buffer, old.buffer);
    assert_eq!(new.empty_buffer, old.empty_buffer);
    assert_eq!(new.frames, old.frames);
    assert_eq!(new.maybe, old.maybe);
    assert_eq!(new.sequence, 0);
}

#[test]
fn bare_bytes_round_trip() {
    round_trip(&Bytes::from_static(b"payload"));
    round_trip(&Bytes::new());
    round_trip(&BytesMut::from(&b"mutable"[..]));
}
