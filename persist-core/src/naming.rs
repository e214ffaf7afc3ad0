//! File naming rules: which codec a file name implies.

use std::path::Path;

use crate::codec::Compression;
use crate::error::Error;

/// The codec a save to `path` uses: the explicit choice, else the one the extension
/// implies, else none. An explicit choice that contradicts the extension is an error.
///
/// ```
/// use persist_core::{naming::compression_for_save, Compression};
///
/// assert_eq!(compression_for_save("a.pickle".as_ref(), None)?, Compression::None);
/// assert_eq!(compression_for_save("a.pickle.LZ4".as_ref(), None)?, Compression::Lz4);
/// assert_eq!(compression_for_save("a.pickle".as_ref(), Some(Compression::Lz4))?, Compression::Lz4);
/// assert!(compression_for_save("a.lz4".as_ref(), Some(Compression::None)).is_err());
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn compression_for_save(
    path: &Path,
    explicit: Option<Compression>,
) -> Result<Compression, Error> {
    let implied = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Compression::from_extension);
    match (explicit, implied) {
        (Some(option), Some(implied)) if option != implied => Err(Error::CompressionConflict {
            path: path.to_path_buf(),
            option,
            implied,
        }),
        (Some(chosen), _) | (None, Some(chosen)) => Ok(chosen),
        (None, None) => Ok(Compression::None),
    }
}
