//! The free functions: save and load any serde value, in files or in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::any_record::AnyRecord;
use crate::atomic;
use crate::codec::Compression;
use crate::error::{io_error, Error, Origin};
use crate::format::{self, FileInfo, FIXED_LEN};
use crate::migrate::{self, Stored};
use crate::naming;
use crate::options::{LoadOptions, SaveOptions};
use crate::registry;
use crate::schema::Schema;
use crate::state::RecState;
use crate::stream::load::{Reading, Streamed};
use crate::stream::{self, Plan};

/// Saves `value` to `path`, replacing any file there atomically.
///
/// The payload is lz4-compressed when the file name ends in `.lz4` (any case).
/// Missing parent directories are created. If the save fails, the old file is left
/// as it was and no temporary file stays behind (missing parent directories it
/// created stay).
///
/// # Memory
///
/// The value is encoded straight into the file: a save holds at most 2 MiB of the
/// encoded payload at a time, plus, with lz4, the encoder's fixed buffers (a 4 MiB
/// block and its compressed form, about 8 MiB in all), whatever the size of the
/// value. The bytes written are exactly those [`to_bytes_with`] returns.
///
/// # Example
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("prices.pickle");
/// persist_core::save(&vec![101.5f64, 101.25], &path)?;
/// let prices: Vec<f64> = persist_core::load(&path)?;
/// assert_eq!(prices, [101.5, 101.25]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save<T: Serialize + Schema + ?Sized>(
    value: &T,
    path: impl AsRef<Path>,
) -> Result<(), Error> {
    save_with(value, path, &SaveOptions::new())
}

/// Saves `value` to `path` with `options` (compression, durability).
///
/// # Example
///
/// ```
/// use persist_core::{Compression, SaveOptions};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("cache.pickle");
/// persist_core::save_with(&"hello".repeat(100), &path, &SaveOptions::new().compression(Compression::Lz4))?;
/// assert_eq!(persist_core::inspect(&path)?.compression, Compression::Lz4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_with<T: Serialize + Schema + ?Sized>(
    value: &T,
    path: impl AsRef<Path>,
    options: &SaveOptions,
) -> Result<(), Error> {
    let path = path.as_ref();
    let compression = naming::compression_for_save(path, options.get_compression())?;
    let plan = Plan::new::<T>(compression)?.with_level(options.get_compression_level())?;
    atomic::write_with(path, options.is_durable(), |file, target| {
        plan.write_file(value, file, target, checks_description(options))
    })
}

/// Encodes `value` as the bytes of a persist file, uncompressed.
///
/// # Example
///
/// ```
/// let bytes = persist_core::to_bytes(&(1u8, "one".to_string()))?;
/// let back: (u8, String) = persist_core::from_bytes(&bytes)?;
/// assert_eq!(back, (1, "one".to_string()));
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn to_bytes<T: Serialize + Schema + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    to_bytes_with(value, &SaveOptions::new())
}

/// Encodes `value` as the bytes of a persist file, compressed as `options` say.
///
/// # Example
///
/// ```
/// use persist_core::{Compression, SaveOptions};
///
/// let value = vec![0u64; 10_000];
/// let plain = persist_core::to_bytes(&value)?;
/// let packed = persist_core::to_bytes_with(&value, &SaveOptions::new().compression(Compression::Lz4))?;
/// assert!(packed.len() < plain.len() / 10);
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn to_bytes_with<T: Serialize + Schema + ?Sized>(
    value: &T,
    options: &SaveOptions,
) -> Result<Vec<u8>, Error> {
    Plan::new::<T>(options.get_compression().unwrap_or_default())?
        .with_level(options.get_compression_level())?
        .to_bytes_checked(value, checks_description(options))
}

/// Whether a save with `options` checks its payload against its description: in
/// builds with debug assertions, unless the options turn it off.
fn checks_description(options: &SaveOptions) -> bool {
    cfg!(debug_assertions) && options.checks_description()
}

/// Checks that `T`'s [`Schema`] describes what `value`'s `Serialize` writes: the
/// value is encoded in memory and its bytes walked under the description, as a
/// load without the type would read them.
///
/// Every save and [`to_bytes`] runs this check on the payload it wrote in builds
/// with debug assertions (so in every `cargo test`), before the file is put in
/// place; release builds skip it. It costs a second pass over the payload (read
/// back from the file, in constant memory). Call this in a test to check a
/// hand-written `Schema`, or a `#[schema(as = ..)]`, in a release build too.
///
/// The walk checks the bytes, not the intent: a description that reads the same
/// bytes differently (`u32` for a `char`'s code, say) can pass it.
///
/// # Errors
///
/// [`Error::Misdescribed`] naming the place in the value and what the description
/// says is there; the errors of [`to_bytes`].
///
/// # Example
///
/// ```
/// use persist_core::schema::{Builder, Node, Schema};
///
/// // Written by hand, and wrong: a `Vec<u16>` is not a string.
/// struct Codes(Vec<u16>);
/// impl serde::Serialize for Codes {
///     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
///         self.0.serialize(s)
///     }
/// }
/// impl Schema for Codes {
///     fn describe(_: &mut Builder) -> Node {
///         Node::String
///     }
/// }
///
/// let err = persist_core::check_schema(&Codes(vec![0xffff])).unwrap_err();
/// assert!(matches!(err, persist_core::Error::Misdescribed { .. }), "{err}");
/// persist_core::check_schema(&vec![0xffffu16])?;
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn check_schema<T: Serialize + Schema + ?Sized>(value: &T) -> Result<(), Error> {
    Plan::new::<T>(Compression::None)?
        .to_bytes_checked(value, true)
        .map(drop)
}

/// Loads the value saved at `path`.
///
/// The codec is read from the file, whatever its name. A file written for another
/// type, or corrupted in any way, is refused with an error that says so.
///
/// # Memory
///
/// A payload of up to 16 MiB is read whole, then decoded: fastest, while the
/// payload fits the processor's caches. A larger one, when the file holds `T` as
/// it is today or changed only in safe ways (read by the schema-guided reader),
/// is decoded as the file is read: besides the value built, the load
/// holds a 128 KiB window of the payload (and for lz4, one block of at most 4 MiB,
/// stored and decompressed, plus 64 KiB of history for a linked frame another tool
/// wrote), never the payload whole. A file of an older version, one whose nested
/// records need their own migrations, a schema walked before decoding (recursive
/// types, sequences of zero-size items), and a type that borrows from its input
/// (its `Deserialize` asks for `&str` or `&[u8]`) are read whole: the payload is
/// held once, decompressed, and never compressed. A type whose `Deserialize` asks
/// for `deserialize_any` (as `rust_decimal::Decimal`'s does) starts over, guided
/// by the file's schema, once postcard meets it. See [`LoadOptions::stream_above`]
/// to move the threshold.
///
/// Either way the value is returned only if the payload's checksum matched, and a
/// damaged file is reported as such even when the decoder failed on it first. A
/// streamed decode runs `T`'s `Deserialize` on bytes not yet verified; every length
/// in them is checked against the bytes left before it sizes anything, as for any
/// file, and the value is dropped on a mismatch.
///
/// # Example
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("n.pickle");
/// persist_core::save(&42u64, &path)?;
/// assert_eq!(persist_core::load::<u64>(&path)?, 42);
/// assert!(persist_core::load::<String>(&path).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load<T: DeserializeOwned + Schema>(path: impl AsRef<Path>) -> Result<T, Error> {
    load_with(path, &LoadOptions::new())
}

/// Loads the value saved at `path`, with `options` (size limit).
///
/// # Example
///
/// ```
/// use persist_core::{Error, LoadOptions};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("big.pickle");
/// persist_core::save(&vec![7u8; 4096], &path)?;
/// let err = persist_core::load_with::<Vec<u8>>(&path, &LoadOptions::new().max_size(1024)).unwrap_err();
/// assert!(matches!(err, Error::LimitExceeded { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_with<T: DeserializeOwned + Schema>(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<T, Error> {
    load_opened(open_file(path.as_ref(), options)?, options)
}

/// Loads a `T` from a file whose header is read: straight from the file as it is
/// read when it can stream (see [`load`]), else from the whole payload.
pub(crate) fn load_opened<T: DeserializeOwned + Schema>(
    mut opened: OpenFile,
    options: &LoadOptions,
) -> Result<T, Error> {
    let route = migrate::route::<T>(&opened.info, &opened.origin, options)?;
    let streams = opened.info.uncompressed_len > options.get_stream_above()
        && !crate::depth::needs_guard(&opened.info.schema);
    let mut reading = route.streamed_reading(&opened.info).filter(|_| streams);
    while let Some(how) = reading {
        reading = None;
        match opened.decode_streamed::<T>(how)? {
            Streamed::Value(value) => return Ok(value),
            Streamed::Refused(detail) => {
                return Err(route.refused(&opened.info, &opened.origin, &detail))
            }
            // postcard cannot answer `deserialize_any`: stream again, guided.
            Streamed::NeedsGuided if how == Reading::Postcard => {
                opened.rewind()?;
                reading = Some(Reading::Guided);
            }
            Streamed::NeedsGuided | Streamed::NeedsWhole => opened.rewind()?,
        }
    }
    let raw = opened.read_payload()?;
    decode_payload(&opened.info, &raw, &opened.origin, options, |stored| {
        route.run(stored)
    })
}

/// Loads the record saved at `path` as the registered type its REC_ID and VERSION
/// choose (see [`registry`](crate::registry)), to be downcast.
///
/// `path` is a file, or a file name without extensions (`runs/my_obj` finds
/// `runs/my_obj.pickle` or `runs/my_obj.pickle.lz4`).
///
/// # Errors
///
/// Besides the errors of [`load`]: [`Error::UnknownRecId`] when no registered type
/// reads the file, [`Error::AmbiguousType`] when several could.
///
/// The chosen type is then read as [`load`] reads it, with the same memory use:
/// a large payload is decoded as it is read.
///
/// # Example
///
/// See [`AnyRecord`].
pub fn load_any(path: impl AsRef<Path>) -> Result<AnyRecord, Error> {
    load_any_with(path, &LoadOptions::new())
}

/// Loads the record saved at `path` as [`load_any`] does, with `options`.
///
/// # Example
///
/// ```
/// use persist_core::{Error, LoadOptions};
///
/// let dir = tempfile::tempdir()?;
/// persist_core::save(&1.5f64, dir.path().join("x.pickle"))?;
/// // A plain f64 is not a record: no registered type reads it.
/// let err = persist_core::load_any_with(dir.path().join("x"), &LoadOptions::new()).unwrap_err();
/// assert!(matches!(err, Error::UnknownRecId { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_any_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<AnyRecord, Error> {
    let opened = open_file(path.as_ref(), options)?;
    let entry = registry::choose(&opened.info, &opened.origin, options)?;
    let value = entry.load(opened, options)?;
    Ok(AnyRecord::new(value, entry))
}

/// Reads the file at `path` as a [`RecState`]: its REC_ID, its version and its value,
/// decoded with the schema stored in the file. No Rust type is needed, and none is
/// built: this is how tools show a file, and how a file of a type that no longer
/// exists can still be read.
///
/// # Example
///
/// ```
/// use persist_core::value::Value;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pair.pickle");
/// persist_core::save(&(7u8, "seven".to_string()), &path)?;
///
/// let state = persist_core::load_state(&path)?;
/// assert_eq!(state.rec_id, "(u8, String)");
/// assert_eq!(state.value, Value::Tuple(vec![Value::U8(7), Value::String("seven".into())]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_state(path: impl AsRef<Path>) -> Result<RecState, Error> {
    load_state_with(path, &LoadOptions::new())
}

/// Reads the file at `path` as a [`RecState`], as [`load_state`] does, with `options`.
///
/// # Example
///
/// ```
/// use persist_core::{Error, LoadOptions};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("big.pickle");
/// persist_core::save(&vec![0u8; 4096], &path)?;
/// let err = persist_core::load_state_with(&path, &LoadOptions::new().max_size(100)).unwrap_err();
/// assert!(matches!(err, Error::LimitExceeded { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_state_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<RecState, Error> {
    let mut opened = open_file(path.as_ref(), options)?;
    let raw = opened.read_payload()?;
    decode_payload(&opened.info, &raw, &opened.origin, options, |stored| {
        // The file's own schema as the program's: nothing nested is upgraded.
        stored.state(&stored.info().schema)
    })
}

/// A file opened for a load, its header read and verified.
pub(crate) struct OpenFile {
    file: File,
    path: PathBuf,
    info: FileInfo,
    origin: Origin,
}

/// Opens the file at `path` (or the one it names without extensions) and reads its
/// header.
fn open_file(path: &Path, options: &LoadOptions) -> Result<OpenFile, Error> {
    let path = naming::resolve_load_path(path)?;
    let origin = Origin::File(path.clone());
    let (mut file, len) = open(&path)?;
    let info = read_info(&mut file, len, &origin, options)?;
    Ok(OpenFile {
        file,
        path,
        info,
        origin,
    })
}

impl OpenFile {
    /// Reads the payload, verifies its checksum and decompresses it.
    fn read_payload(&mut self) -> Result<Vec<u8>, Error> {
        stream::load::read_payload(&mut self.file, &self.path, &self.info, &self.origin)
    }

    /// Decodes a `T` from the payload as it is read; see
    /// [`decode_streamed`](stream::load::decode_streamed).
    fn decode_streamed<T: DeserializeOwned>(
        &mut self,
        reading: Reading,
    ) -> Result<Streamed<T>, Error> {
        stream::load::decode_streamed(
            &mut self.file,
            &self.path,
            &self.info,
            &self.origin,
            reading,
        )
    }

    /// Goes back to the start of the payload.
    fn rewind(&mut self) -> Result<(), Error> {
        self.file
            .seek(SeekFrom::Start(self.info.header_len))
            .map(drop)
            .map_err(io_error("read", &self.path))
    }
}

/// Decodes a value from the bytes of a persist file.
///
/// # Example
///
/// ```
/// let bytes = persist_core::to_bytes(&[1u16, 2, 3])?;
/// assert_eq!(persist_core::from_bytes::<[u16; 3]>(&bytes)?, [1, 2, 3]);
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn from_bytes<T: DeserializeOwned + Schema>(bytes: &[u8]) -> Result<T, Error> {
    from_bytes_with(bytes, &LoadOptions::new())
}

/// Decodes a value from the bytes of a persist file, with `options`.
///
/// # Example
///
/// ```
/// use persist_core::LoadOptions;
///
/// let bytes = persist_core::to_bytes(&"text".to_string())?;
/// let text: String = persist_core::from_bytes_with(&bytes, &LoadOptions::new().max_size(64))?;
/// assert_eq!(text, "text");
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn from_bytes_with<T: DeserializeOwned + Schema>(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<T, Error> {
    let origin = Origin::Bytes;
    let info = read_info(&mut &bytes[..], bytes.len() as u64, &origin, options)?;
    let route = migrate::route::<T>(&info, &origin, options)?;
    let tail = &bytes[info.header_len as usize..];
    let raw = stream::load::payload_of(&info, tail, &origin)?;
    decode_payload(&info, &raw, &origin, options, |stored| route.run(stored))
}

/// Reads a file's header: identity, codec, sizes and schema, without knowing its type
/// and without reading the payload.
///
/// # Example
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pair.pickle.lz4");
/// persist_core::save(&(1u32, 2.0f64), &path)?;
/// let info = persist_core::inspect(&path)?;
/// assert_eq!(info.rec_id, "(u32, f64)");
/// assert_eq!(info.compression, persist_core::Compression::Lz4);
/// println!("{info}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect(path: impl AsRef<Path>) -> Result<FileInfo, Error> {
    let path = path.as_ref();
    let (mut file, len) = open(path)?;
    read_info(
        &mut file,
        len,
        &Origin::File(path.to_path_buf()),
        &LoadOptions::new(),
    )
}

/// Reads the header of the bytes of a persist file; see [`inspect`].
///
/// # Example
///
/// ```
/// let info = persist_core::inspect_bytes(&persist_core::to_bytes(&true)?)?;
/// assert_eq!(info.schema.to_string(), "type bool");
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn inspect_bytes(bytes: &[u8]) -> Result<FileInfo, Error> {
    read_info(
        &mut &bytes[..],
        bytes.len() as u64,
        &Origin::Bytes,
        &LoadOptions::new(),
    )
}

/// Opens `path` for a load: the file and its real length.
fn open(path: &Path) -> Result<(File, u64), Error> {
    let file = File::open(path).map_err(io_error("open", path))?;
    let len = file
        .metadata()
        .map_err(io_error("read the size of", path))?
        .len();
    Ok((file, len))
}

/// Reads and verifies the header from the start of `source`, leaving it positioned at
/// the payload.
fn read_info(
    source: &mut impl Read,
    total_len: u64,
    origin: &Origin,
    options: &LoadOptions,
) -> Result<FileInfo, Error> {
    let read_error = |e: std::io::Error| match origin {
        Origin::File(path) => io_error("read", path.clone())(e),
        Origin::Bytes => Error::Corrupt {
            origin: Origin::Bytes,
            detail: e.to_string(),
        },
    };
    let mut fixed = [0u8; FIXED_LEN];
    let available = (FIXED_LEN as u64).min(total_len) as usize;
    source
        .read_exact(&mut fixed[..available])
        .map_err(read_error)?;
    let max_size = options.get_max_size();
    let fixed_header = format::parse_fixed(&fixed[..available], total_len, origin, max_size)?;
    // `parse_fixed` checked the header length against the input's real length.
    let mut header = vec![0u8; fixed_header.header_len as usize];
    header[..FIXED_LEN].copy_from_slice(&fixed);
    source
        .read_exact(&mut header[FIXED_LEN..])
        .map_err(read_error)?;
    format::parse_header(&fixed_header, &header, total_len, origin, max_size)
}

/// Bounds the nesting of recursive types in `raw`, the verified and decompressed
/// payload, then hands it to `decode`.
fn decode_payload<R>(
    info: &FileInfo,
    raw: &[u8],
    origin: &Origin,
    options: &LoadOptions,
    decode: impl FnOnce(&Stored<'_>) -> Result<R, Error>,
) -> Result<R, Error> {
    // postcard bounds neither nesting nor counts of zero-byte items: check the
    // payloads of the few schemas that allow them first.
    crate::depth::guard(&info.schema, raw, options.get_max_depth(), origin)?;
    decode(&Stored { info, raw, origin })
}
