//! Options of saves and loads.

use std::path::{Path, PathBuf};

use crate::codec::Compression;

/// How a value is saved.
///
/// # Example
///
/// ```
/// use persist_core::{Compression, SaveOptions};
///
/// let options = SaveOptions::new().compression(Compression::Lz4).durable(false);
/// assert_eq!(options.get_compression(), Some(Compression::Lz4));
/// assert!(!options.is_durable());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveOptions {
    compression: Option<Compression>,
    level: Option<i32>,
    durable: bool,
    directory: PathBuf,
    check_description: bool,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            compression: None,
            level: None,
            durable: true,
            directory: PathBuf::from("."),
            check_description: true,
        }
    }
}

impl SaveOptions {
    /// The defaults: compression from the file extension, durable writes.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert_eq!(SaveOptions::new().get_compression(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Compresses the payload with `compression`, whatever the file extension
    /// (an extension that implies another codec is an error).
    ///
    /// ```
    /// # use persist_core::{Compression, SaveOptions};
    /// let o = SaveOptions::new().compression(Compression::None);
    /// assert_eq!(o.get_compression(), Some(Compression::None));
    /// ```
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = Some(compression);
        self
    }

    /// Whether a save waits until the file is on the device (`fsync` of the file and
    /// its directory) before returning. On by default.
    ///
    /// Turning it off makes saves faster; the replace stays atomic against a crash of
    /// the program, but a power loss or kernel crash soon after the save may leave
    /// the old file, or on some file systems an empty one.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert!(SaveOptions::new().is_durable());
    /// ```
    pub fn durable(mut self, durable: bool) -> Self {
        self.durable = durable;
        self
    }

    /// The directory a record's `save_with` writes its default file name into
    /// (default `.`). The free functions, which take a full path, ignore it.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// let o = SaveOptions::new().directory("runs/2026");
    /// assert_eq!(o.get_directory(), std::path::Path::new("runs/2026"));
    /// ```
    pub fn directory(mut self, directory: impl Into<PathBuf>) -> Self {
        self.directory = directory.into();
        self
    }

    /// The directory of records' default file names.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert_eq!(SaveOptions::new().get_directory(), std::path::Path::new("."));
    /// ```
    pub fn get_directory(&self) -> &Path {
        &self.directory
    }

    /// The explicit compression, if one was set.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert_eq!(SaveOptions::default().get_compression(), None);
    /// ```
    pub fn get_compression(&self) -> Option<Compression> {
        self.compression
    }

    /// The compression level: for zstd, from 1 (fastest) to 22 (smallest), or
    /// negative for faster still; default [`Compression::ZSTD_DEFAULT_LEVEL`]. A
    /// level out of range, or any level with a codec that has none (lz4, none), makes
    /// the save fail with [`Error::CompressionLevel`](crate::Error::CompressionLevel)
    /// before anything is written.
    ///
    /// ```
    /// use persist_core::{Compression, SaveOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("prices.pickle");
    /// let smallest = SaveOptions::new().compression(Compression::Zstd).compression_level(19);
    /// persist_core::save_with(&vec![1.5f64; 1000], &path, &smallest)?;
    /// assert_eq!(persist_core::inspect(&path)?.compression, Compression::Zstd);
    /// let too_high = SaveOptions::new().compression(Compression::Zstd).compression_level(99);
    /// assert!(persist_core::save_with(&1u8, &path, &too_high).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compression_level(mut self, level: i32) -> Self {
        self.level = Some(level);
        self
    }

    /// The compression level asked for, if any.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert_eq!(SaveOptions::new().compression_level(9).get_compression_level(), Some(9));
    /// assert_eq!(SaveOptions::new().get_compression_level(), None);
    /// ```
    pub fn get_compression_level(&self) -> Option<i32> {
        self.level
    }

    /// Whether saves are flushed to the device.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert!(!SaveOptions::new().durable(false).is_durable());
    /// ```
    pub fn is_durable(&self) -> bool {
        self.durable
    }

    /// Whether a build with debug assertions checks that the payload it wrote reads
    /// back under the description it stores (see [`check_schema`](crate::check_schema));
    /// on by default. Release builds never check.
    ///
    /// Turn it off only to write a misdescribed file on purpose: to test how a
    /// reader copes with one.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert!(SaveOptions::new().checks_description());
    /// assert!(!SaveOptions::new().check_description(false).checks_description());
    /// ```
    pub fn check_description(mut self, check: bool) -> Self {
        self.check_description = check;
        self
    }

    /// Whether [`check_description`](Self::check_description) is on.
    ///
    /// ```
    /// # use persist_core::SaveOptions;
    /// assert!(SaveOptions::default().checks_description());
    /// ```
    pub fn checks_description(&self) -> bool {
        self.check_description
    }
}

/// How a file is loaded.
///
/// # Example
///
/// ```
/// use persist_core::LoadOptions;
///
/// let options = LoadOptions::new().max_size(1 << 20);
/// assert_eq!(options.get_max_size(), 1 << 20);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    max_size: u64,
    max_depth: u32,
    allow_newer: bool,
    stream_above: u64,
}

impl LoadOptions {
    /// The default size limit: 16 GiB.
    pub const DEFAULT_MAX_SIZE: u64 = 16 << 30;

    /// The default nesting limit of recursive types: 256 levels.
    pub const DEFAULT_MAX_DEPTH: u32 = 256;

    /// The default size past which a typed load decodes as it reads: 16 MiB.
    ///
    /// Below it, decoding from memory is faster (the bench's `mesh`, 4 MiB of
    /// `f32`, loads at ×1.05 of bare postcard read whole, ×1.17 streamed); above
    /// it, the whole payload no longer fits the processor's caches, and a streamed
    /// load is both faster (the bench's `prices`, 162 MiB: ×0.64–0.67) and holds no
    /// copy of it.
    pub const DEFAULT_STREAM_ABOVE: u64 = 16 << 20;

    /// The defaults.
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert_eq!(LoadOptions::new().get_max_size(), LoadOptions::DEFAULT_MAX_SIZE);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest payload (stored or uncompressed) and schema a load accepts, in
    /// bytes. Nothing larger is allocated, whatever the file claims.
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert_eq!(LoadOptions::new().max_size(10).get_max_size(), 10);
    /// ```
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }

    /// How deeply a value of a recursive type (a tree, a linked list) may nest
    /// before a load refuses it. Decoding recurses once per level, so the limit keeps
    /// a crafted file from exhausting the stack; raise it for legitimately deep data
    /// (and run the load on a thread with a stack to match).
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert_eq!(LoadOptions::new().max_depth(1000).get_max_depth(), 1000);
    /// ```
    pub fn max_depth(mut self, levels: u32) -> Self {
        self.max_depth = levels;
        self
    }

    /// Whether a file written by a newer VERSION of the type than the program's may
    /// be read (default: no, it is [`Error::NewerVersion`](crate::Error::NewerVersion)).
    /// Allowed, it is read only when the newer schema just adds fields, which are then
    /// dropped; any other difference is
    /// [`Error::NewerIncompatible`](crate::Error::NewerIncompatible).
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert!(LoadOptions::new().allow_newer(true).allows_newer());
    /// assert!(!LoadOptions::new().allows_newer());
    /// ```
    pub fn allow_newer(mut self, allow: bool) -> Self {
        self.allow_newer = allow;
        self
    }

    /// Past how many payload bytes (uncompressed) a typed load decodes the value as
    /// it reads the file, holding a 128 KiB window (and for lz4, one block of at
    /// most 4 MiB) instead of the whole payload. Default:
    /// [`DEFAULT_STREAM_ABOVE`](Self::DEFAULT_STREAM_ABOVE); `0` streams every load
    /// that can stream, `u64::MAX` none.
    ///
    /// Only a typed load (also [`load_any`](crate::load_any)'s) of a file that holds
    /// the type as it is today streams. Migrations, states, and the schemas whose
    /// payloads are walked before decoding (recursive types, sequences of zero-size
    /// items) read the payload whole. So does a type whose `Deserialize` borrows
    /// from its input (`&str`, `&[u8]`: `uuid::Uuid` does): its streamed decode
    /// stops at the first such item, and the file is read again, whole (a borrowing
    /// field at the end of a large value costs a second decode).
    /// Either way, a value is returned only if the payload's checksum matched.
    ///
    /// ```
    /// use persist_core::LoadOptions;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("v.pickle");
    /// persist_core::save(&vec![0.5f64; 1000], &path)?;
    /// let options = LoadOptions::new().stream_above(0);
    /// assert_eq!(options.get_stream_above(), 0);
    /// assert_eq!(persist_core::load_with::<Vec<f64>>(&path, &options)?, vec![0.5; 1000]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stream_above(mut self, bytes: u64) -> Self {
        self.stream_above = bytes;
        self
    }

    /// The size past which typed loads stream; see [`stream_above`](Self::stream_above).
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert_eq!(LoadOptions::new().get_stream_above(), LoadOptions::DEFAULT_STREAM_ABOVE);
    /// ```
    pub fn get_stream_above(&self) -> u64 {
        self.stream_above
    }

    /// Whether files of a newer version are read; see [`allow_newer`](Self::allow_newer).
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert!(!LoadOptions::default().allows_newer());
    /// ```
    pub fn allows_newer(&self) -> bool {
        self.allow_newer
    }

    /// The nesting limit in force.
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert_eq!(LoadOptions::new().get_max_depth(), LoadOptions::DEFAULT_MAX_DEPTH);
    /// ```
    pub fn get_max_depth(&self) -> u32 {
        self.max_depth
    }

    /// The size limit in force.
    ///
    /// ```
    /// # use persist_core::LoadOptions;
    /// assert!(LoadOptions::default().get_max_size() > 0);
    /// ```
    pub fn get_max_size(&self) -> u64 {
        self.max_size
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_size: Self::DEFAULT_MAX_SIZE,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            allow_newer: false,
            stream_above: Self::DEFAULT_STREAM_ABOVE,
        }
    }
}
