//! The value [`load_any`](crate::load_any) returns: a record of a type chosen by the
//! file, to be downcast.

use std::any::Any;
use std::fmt::{self, Debug, Formatter};

use crate::registry::TypeEntry;

/// A loaded record whose type the file chose, through the [registry](crate::registry).
///
/// Downcast it to the type you expect, as with `Box<dyn Any>`; [`type_name`](Self::type_name)
/// says which type it is when you do not know.
///
/// # Example
///
/// ```
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// # struct Signal(f64);
/// # impl persist_core::Pickleable for Signal { const REC_ID: &'static str = "Signal"; const VERSION: u32 = 1; }
/// # impl persist_core::Schema for Signal {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("Signal".into(), |b| Definition::new("", Body::Struct(Fields::Newtype(f64::describe(b)))).with_record(RecordId::new("Signal", 1)))
/// #     }
/// # }
/// # persist_core::submit! { persist_core::registry::TypeEntry::of::<Signal>() }
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("signal.pickle");
/// persist_core::save(&Signal(0.25), &path)?;
///
/// let record = persist_core::load_any(&path)?;
/// assert_eq!(record.rec_id(), "Signal");
/// assert!(record.is::<Signal>());
/// assert_eq!(record.downcast::<Signal>().ok(), Some(Signal(0.25)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AnyRecord {
    value: Box<dyn Any>,
    entry: TypeEntry,
}

impl AnyRecord {
    pub(crate) fn new(value: Box<dyn Any>, entry: TypeEntry) -> Self {
        AnyRecord { value, entry }
    }

    /// The Rust name of the record's type.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn type_name(&self) -> &'static str {
        self.entry.type_name()
    }

    /// The REC_ID of the record's type (which may differ from the file's when the
    /// type reads it through an alias or a RecInfo).
    ///
    /// See [`AnyRecord`] for an example.
    pub fn rec_id(&self) -> &'static str {
        self.entry.rec_id()
    }

    /// The VERSION of the record's type: the file's, or newer if it was upgraded.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn version(&self) -> u32 {
        self.entry.version()
    }

    /// Whether the record is a `T`.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn is<T: Any>(&self) -> bool {
        self.value.is::<T>()
    }

    /// The record as a `&T`, if it is one.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }

    /// The record as a `&mut T`, if it is one.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn downcast_mut<T: Any>(&mut self) -> Option<&mut T> {
        self.value.downcast_mut()
    }

    /// The record as a `T`, or the record back if it is not one.
    ///
    /// # Errors
    ///
    /// `Err(self)` when the record is of another type.
    ///
    /// See [`AnyRecord`] for an example.
    pub fn downcast<T: Any>(self) -> Result<T, AnyRecord> {
        match self.value.downcast::<T>() {
            Ok(value) => Ok(*value),
            Err(value) => Err(AnyRecord {
                value,
                entry: self.entry,
            }),
        }
    }
}

impl Debug for AnyRecord {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyRecord")
            .field("type_name", &self.type_name())
            .field("rec_id", &self.rec_id())
            .field("version", &self.version())
            .finish_non_exhaustive()
    }
}
