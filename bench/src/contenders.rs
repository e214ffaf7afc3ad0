//! Who is measured, and how each one encodes, decodes, saves and loads a value.
//!
//! persist goes through its public API. The baseline and the peers encode to bytes,
//! go through the same lz4 frame code and the same durable file write
//! ([`crate::baseline`]), so they differ only in their encoding. The streamed
//! baseline writes the baseline's bytes without holding them all in memory.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use persist::{Compression, SaveOptions};

use crate::baseline;
use crate::data::{Data, WincodeConfig};

/// One contender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// persist's public API.
    Persist,
    /// postcard + lz4_flex + a write as durable as persist's: the bare baseline.
    Baseline,
    /// The baseline's bytes, streamed: postcard writes into the (lz4 encoder of a)
    /// buffered file and reads from it, with no buffer the size of the encoding.
    /// In memory (encode, decode) it is the baseline.
    Streamed,
    /// native_model (bincode 1.3 inside, its default).
    NativeModel,
    /// bitcode's derive.
    Bitcode,
    /// savefile (schema included, as `save_to_mem` does by default).
    Savefile,
    /// revision (SurrealDB's).
    Revision,
    /// wincode (bincode-compatible), its preallocation limit raised to 1 GiB.
    Wincode,
}

impl Who {
    /// Everyone, persist and the baseline first.
    pub const ALL: [Who; 8] = [
        Who::Persist,
        Who::Baseline,
        Who::Streamed,
        Who::NativeModel,
        Who::Bitcode,
        Who::Savefile,
        Who::Revision,
        Who::Wincode,
    ];

    /// The name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Who::Persist => "persist",
            Who::Baseline => "baseline",
            Who::Streamed => "streamed baseline",
            Who::NativeModel => "native_model",
            Who::Bitcode => "bitcode",
            Who::Savefile => "savefile",
            Who::Revision => "revision",
            Who::Wincode => "wincode",
        }
    }

    /// Whether it is a peer crate (not persist, not the baseline).
    pub fn is_peer(self) -> bool {
        !matches!(self, Who::Persist | Who::Baseline | Who::Streamed)
    }

    /// The file this contender saves `dataset` to in `dir`.
    pub fn path(self, dir: &Path, dataset: &str, codec: Compression, durable: bool) -> PathBuf {
        let durability = if durable { "" } else { ".fast" };
        let extension = match codec {
            Compression::Lz4 => ".pickle.lz4",
            _ => ".pickle",
        };
        let who = self.name().replace(' ', "-");
        dir.join(format!("{dataset}.{who}{durability}{extension}"))
    }

    /// `value` as the bytes a file holds: persist's whole file, the others'
    /// encoding after `codec`.
    pub fn encode<T: Data>(self, value: &T, codec: Compression) -> Vec<u8> {
        match self {
            Who::Persist => persist::to_bytes_with(value, &SaveOptions::new().compression(codec))
                .expect("persist encodes"),
            _ => baseline::compress(self.encode_raw(value), codec),
        }
    }

    /// Reads back what [`Who::encode`] produced.
    pub fn decode<T: Data>(self, bytes: Cow<'_, [u8]>, codec: Compression) -> T {
        match self {
            Who::Persist => persist::from_bytes(&bytes).expect("persist decodes"),
            _ => self.decode_raw(baseline::decompress(bytes, codec)),
        }
    }

    /// Saves `value` to `path`, durably or not.
    pub fn save<T: Data>(self, value: &T, path: &Path, codec: Compression, durable: bool) {
        match self {
            Who::Persist => {
                let options = SaveOptions::new().compression(codec).durable(durable);
                persist::save_with(value, path, &options).expect("persist saves");
            }
            Who::Streamed => {
                baseline::save_streamed(value, path, codec, durable).expect("file written")
            }
            _ => baseline::write_file(path, &self.encode(value, codec), durable)
                .expect("file written"),
        }
    }

    /// Loads what [`Who::save`] wrote to `path`.
    pub fn load<T: Data>(self, path: &Path, codec: Compression) -> T {
        match self {
            Who::Persist => persist::load(path).expect("persist loads"),
            Who::Streamed => baseline::load_streamed(path, codec).expect("file read"),
            _ => {
                let bytes = baseline::read_file(path).expect("file read");
                self.decode(Cow::Owned(bytes), codec)
            }
        }
    }

    /// The uncompressed encoding (not persist, which has its own file layout).
    fn encode_raw<T: Data>(self, value: &T) -> Vec<u8> {
        match self {
            Who::Persist | Who::Baseline | Who::Streamed => {
                postcard::to_stdvec(value).expect("postcard encodes")
            }
            Who::NativeModel => native_model::encode(value).expect("native_model encodes"),
            Who::Bitcode => bitcode::encode(value),
            Who::Savefile => savefile::save_to_mem(0, value).expect("savefile encodes"),
            Who::Revision => revision::to_vec(value).expect("revision encodes"),
            Who::Wincode => {
                wincode::config::serialize(value, WincodeConfig::new()).expect("wincode encodes")
            }
        }
    }

    /// Reads back [`Who::encode_raw`]'s bytes.
    fn decode_raw<T: Data>(self, raw: Cow<'_, [u8]>) -> T {
        match self {
            Who::Persist | Who::Baseline | Who::Streamed => {
                postcard::from_bytes(&raw).expect("postcard decodes")
            }
            // Its API takes the bytes by value: a borrowed buffer is copied first.
            Who::NativeModel => {
                native_model::decode(raw.into_owned())
                    .expect("native_model decodes")
                    .0
            }
            Who::Bitcode => bitcode::decode(&raw).expect("bitcode decodes"),
            Who::Savefile => savefile::load_from_mem(&raw, 0).expect("savefile decodes"),
            Who::Revision => revision::from_slice(&raw).expect("revision decodes"),
            Who::Wincode => {
                wincode::config::deserialize(&raw, WincodeConfig::new()).expect("wincode decodes")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{self, Scale};

    #[test]
    fn every_contender_round_trips_through_bytes_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let value = data::portfolio(Scale::Quick);
        for codec in [Compression::None, Compression::Lz4] {
            for who in Who::ALL {
                let bytes = who.encode(&value, codec);
                let back: data::Portfolio = who.decode(Cow::Borrowed(&bytes), codec);
                assert!(back == value, "{} {codec} in memory", who.name());
                for durable in [true, false] {
                    let path = who.path(dir.path(), "portfolio", codec, durable);
                    who.save(&value, &path, codec, durable);
                    let back: data::Portfolio = who.load(&path, codec);
                    assert!(back == value, "{} {codec} through a file", who.name());
                }
            }
        }
    }

    #[test]
    fn lz4_shrinks_the_stored_bytes_for_everyone() {
        let value = data::log(Scale::Quick);
        for who in Who::ALL {
            let plain = who.encode(&value, Compression::None).len();
            let packed = who.encode(&value, Compression::Lz4).len();
            assert!(packed < plain / 2, "{}: {packed} of {plain}", who.name());
        }
    }
}
