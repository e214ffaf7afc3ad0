//! Type descriptions: what a saved value looks like on disk, independent of Rust.
//!
//! Every type that can be saved implements [`Schema`], which describes its serde shape
//! as a [`Node`]. Named types (structs and enums) are described once, as a
//! [`Definition`] in the [`Description`], and referred to by name everywhere else; this
//! keeps descriptions compact and lets recursive types (a tree of nodes) be described.
//!
//! The description is written into every file, so a file can be read, inspected and
//! (in later versions) migrated without the Rust type that wrote it. Its canonical
//! encoding is hashed into a 64-bit [fingerprint](Description::fingerprint) that a load
//! compares before decoding a single payload byte.

mod compare;
pub mod diff;
mod display;
mod encoding;
mod foreign;
mod std_impls;

pub(crate) use encoding::decode as decode_description;

use std::collections::HashMap;

use crate::migrate::Lineage;

/// A type whose serialized shape can be described, and so saved by persist.
///
/// Implemented for the primitives and the standard library's containers; derive it
/// with `#[derive(persist::Schema)]` (or get it from `#[derive(Pickleable)]`) for your
/// own types. The description must match what the type's `Serialize` impl writes: the
/// derive follows serde's attributes (`rename`, `rename_all`, `skip`, `transparent`)
/// and refuses the ones whose encoding it cannot see through.
///
/// # Example
///
/// ```
/// use persist_core::schema::{Description, Schema};
///
/// let d = Description::of::<Vec<(String, f64)>>();
/// assert_eq!(d.root().to_string(), "Vec<(String, f64)>");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be saved by persist: it does not implement `Schema`",
    label = "`{Self}` has no `Schema`",
    note = "derive it with `#[derive(persist::Schema)]` (or `Pickleable`) on your own types",
    note = "types of other crates get it from persist's cargo feature named after the crate: \
            chrono, time, jiff, uuid, rust_decimal, ndarray, nalgebra, indexmap, smallvec, \
            arrayvec, half, num-complex, ordered-float, bytes",
    note = "for any other field, describe what its `Serialize` writes with `#[schema(as = Type)]`"
)]
pub trait Schema {
    /// Describes `Self` into `builder`, returning the node that stands for it.
    ///
    /// Named types register a [`Definition`] through [`Builder::define`] and return
    /// [`Node::Named`]; everything else returns a structural node.
    fn describe(builder: &mut Builder) -> Node;

    /// How files of other REC_IDs and older versions reach this type: its aliases
    /// and the previous link of its typed chain.
    ///
    /// `#[derive(Pickleable)]` fills it in from `#[pickle(aliases = [..], from = ..)]`;
    /// the default reads only the type's own files. See
    /// [`migrate::link`](crate::migrate::link) for a hand-written chain.
    ///
    /// ```
    /// use persist_core::Schema;
    /// assert!(<Vec<u8> as Schema>::lineage().older.is_none());
    /// ```
    fn lineage() -> Lineage<Self>
    where
        Self: Sized,
    {
        Lineage::none()
    }
}

/// One node of a type description: a primitive, a container, or a reference to a
/// named [`Definition`].
///
/// The variants follow serde's data model as postcard encodes it.
///
/// # Example
///
/// ```
/// use persist_core::schema::{Description, Node};
///
/// let d = Description::of::<Option<u32>>();
/// assert_eq!(d.root(), &Node::Option(Box::new(Node::U32)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Node {
    /// `bool`
    Bool,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `u128`
    U128,
    /// `usize`, stored as a 64-bit integer on every platform.
    Usize,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `i128`
    I128,
    /// `isize`, stored as a 64-bit integer on every platform.
    Isize,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `char`
    Char,
    /// A UTF-8 string.
    String,
    /// A byte string (serde's `serialize_bytes`).
    Bytes,
    /// `()`
    Unit,
    /// `Option<T>`
    Option(Box<Node>),
    /// A sequence of any length (`Vec<T>`, sets, slices).
    Seq(Box<Node>),
    /// A sequence of a fixed length (`[T; N]`), stored without a length.
    Array(u64, Box<Node>),
    /// A tuple `(A, B, ...)`.
    Tuple(Vec<Node>),
    /// A map from keys to values.
    Map(Box<Node>, Box<Node>),
    /// A reference to the [`Definition`] of this name in the same [`Description`].
    Named(String),
}

/// Identity of a record type: the id and version a `Pickleable` type saves under.
///
/// # Example
///
/// ```
/// use persist_core::schema::RecordId;
///
/// let id = RecordId::new("Portfolio", 3);
/// assert_eq!(id.to_string(), "Portfolio v3");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordId {
    /// The stable id the type is saved under.
    pub rec_id: String,
    /// The version of the type's layout.
    pub version: u32,
}

impl RecordId {
    /// A record id from its parts.
    ///
    /// ```
    /// # use persist_core::schema::RecordId;
    /// assert_eq!(RecordId::new("A", 1).version, 1);
    /// ```
    pub fn new(rec_id: impl Into<String>, version: u32) -> Self {
        RecordId {
            rec_id: rec_id.into(),
            version,
        }
    }
}

/// The description of one named type: a struct or an enum.
///
/// # Example
///
/// ```
/// use persist_core::schema::{Body, Definition, Fields, Node};
///
/// let def = Definition::new("Meters", Body::Struct(Fields::Newtype(Node::F64)));
/// assert_eq!(def.to_string(), "struct Meters(f64);");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Definition {
    /// The type's name as serde sees it (after `rename`), with generic arguments.
    pub name: String,
    /// Set when the type is a record (`Pickleable`): its id and version.
    pub record: Option<RecordId>,
    /// The fields or variants.
    pub body: Body,
}

impl Definition {
    /// A definition that is not a record.
    ///
    /// ```
    /// # use persist_core::schema::{Body, Definition, Fields};
    /// assert!(Definition::new("Unit", Body::Struct(Fields::Unit)).record.is_none());
    /// ```
    pub fn new(name: impl Into<String>, body: Body) -> Self {
        Definition {
            name: name.into(),
            record: None,
            body,
        }
    }

    /// The same definition, marked as the record `record`.
    ///
    /// ```
    /// # use persist_core::schema::{Body, Definition, Fields, RecordId};
    /// let def = Definition::new("A", Body::Struct(Fields::Unit)).with_record(RecordId::new("A", 2));
    /// assert_eq!(def.record.unwrap().version, 2);
    /// ```
    pub fn with_record(mut self, record: RecordId) -> Self {
        self.record = Some(record);
        self
    }
}

/// What a named type holds.
///
/// # Example
///
/// ```
/// use persist_core::schema::{Body, Fields, Variant};
///
/// let side = Body::Enum(vec![Variant::new("Buy", Fields::Unit), Variant::new("Sell", Fields::Unit)]);
/// assert!(matches!(side, Body::Enum(ref v) if v.len() == 2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Body {
    /// A struct with these fields.
    Struct(Fields),
    /// An enum with these variants, in declaration order (the order fixes their indices).
    Enum(Vec<Variant>),
}

/// The fields of a struct or of an enum variant, in the four shapes serde knows.
///
/// # Example
///
/// ```
/// use persist_core::schema::{Field, Fields, Node};
///
/// let f = Fields::Named(vec![Field::new("x", Node::F64), Field::new("y", Node::F64)]);
/// assert_eq!(f.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Fields {
    /// No fields: `struct A;` or `A` as a variant.
    Unit,
    /// One unnamed field: `struct A(T);`, serialized as the field itself.
    Newtype(Node),
    /// Several unnamed fields: `struct A(T, U);`.
    Tuple(Vec<Node>),
    /// Named fields: `struct A { x: T }`.
    Named(Vec<Field>),
}

impl Fields {
    /// How many fields there are.
    ///
    /// ```
    /// # use persist_core::schema::{Fields, Node};
    /// assert_eq!(Fields::Newtype(Node::U8).len(), 1);
    /// assert_eq!(Fields::Unit.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Fields::Unit => 0,
            Fields::Newtype(_) => 1,
            Fields::Tuple(nodes) => nodes.len(),
            Fields::Named(fields) => fields.len(),
        }
    }

    /// Whether there are no fields at all.
    ///
    /// ```
    /// # use persist_core::schema::Fields;
    /// assert!(Fields::Unit.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named field of a struct or of a struct-like enum variant.
///
/// ```
/// # use persist_core::schema::{Field, Node};
/// assert_eq!(Field::new("cash", Node::F64).name, "cash");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The field's name as serde sees it (after `rename` and `rename_all`).
    pub name: String,
    /// The field's type.
    pub node: Node,
}

impl Field {
    /// A field from its name and type.
    ///
    /// ```
    /// # use persist_core::schema::{Field, Node};
    /// assert_eq!(Field::new("qty", Node::I64).node, Node::I64);
    /// ```
    pub fn new(name: impl Into<String>, node: Node) -> Self {
        Field {
            name: name.into(),
            node,
        }
    }
}

/// A variant of an enum.
///
/// ```
/// # use persist_core::schema::{Fields, Node, Variant};
/// assert_eq!(Variant::new("Limit", Fields::Newtype(Node::F64)).name, "Limit");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant {
    /// The variant's name as serde sees it.
    pub name: String,
    /// The variant's fields.
    pub fields: Fields,
}

impl Variant {
    /// A variant from its name and fields.
    ///
    /// ```
    /// # use persist_core::schema::{Fields, Variant};
    /// assert!(Variant::new("None", Fields::Unit).fields.is_empty());
    /// ```
    pub fn new(name: impl Into<String>, fields: Fields) -> Self {
        Variant {
            name: name.into(),
            fields,
        }
    }
}

/// The complete description of a saved type: its root node and every named type it
/// reaches, in the order they were first met.
///
/// # Example
///
/// ```
/// use persist_core::schema::Description;
///
/// let a = Description::of::<Vec<u32>>();
/// let b = Description::of::<Vec<u64>>();
/// assert_ne!(a.fingerprint(), b.fingerprint());
/// assert_eq!(a.fingerprint(), Description::of::<Vec<u32>>().fingerprint());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Description {
    root: Node,
    definitions: Vec<Definition>,
}

impl Description {
    /// Describes `T`.
    ///
    /// ```
    /// # use persist_core::schema::{Description, Node};
    /// assert_eq!(Description::of::<String>().root(), &Node::String);
    /// ```
    pub fn of<T: Schema + ?Sized>() -> Description {
        let mut builder = Builder::default();
        let root = T::describe(&mut builder);
        builder.finish(root)
    }

    /// The node that stands for the described type itself.
    ///
    /// ```
    /// # use persist_core::schema::{Description, Node};
    /// assert_eq!(Description::of::<bool>().root(), &Node::Bool);
    /// ```
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Every named type reached from the root, in the order first met.
    ///
    /// ```
    /// # use persist_core::schema::Description;
    /// assert!(Description::of::<u8>().definitions().is_empty());
    /// ```
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// The definition of the named type `name`, if the description has one.
    ///
    /// ```
    /// # use persist_core::schema::Description;
    /// assert!(Description::of::<u8>().definition("u8").is_none());
    /// ```
    pub fn definition(&self, name: &str) -> Option<&Definition> {
        self.definitions.iter().find(|d| d.name == name)
    }

    /// The record identity of the root, when the root is a record (`Pickleable`) type.
    ///
    /// ```
    /// # use persist_core::schema::Description;
    /// assert!(Description::of::<u8>().root_record().is_none());
    /// ```
    pub fn root_record(&self) -> Option<&RecordId> {
        match &self.root {
            Node::Named(name) => self.definition(name)?.record.as_ref(),
            _ => None,
        }
    }

    /// The canonical bytes of this description, as written into a file.
    ///
    /// ```
    /// # use persist_core::schema::Description;
    /// assert!(!Description::of::<u8>().to_canonical_bytes().is_empty());
    /// ```
    pub fn to_canonical_bytes(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    /// A 64-bit hash of the canonical bytes: equal descriptions have equal
    /// fingerprints on every platform and in every version of this crate.
    ///
    /// ```
    /// # use persist_core::schema::Description;
    /// assert_ne!(Description::of::<i32>().fingerprint(), Description::of::<u32>().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        fingerprint_of(&self.to_canonical_bytes())
    }

    /// Whether `other` describes the same bytes with the same field and variant
    /// names as `self`, allowing only the named types (structs and enums) to be
    /// named differently.
    ///
    /// A renamed type changes the [fingerprint](Self::fingerprint) without changing
    /// how its values decode; this tells such a file apart from one whose layout
    /// really changed. Named types are paired one to one as they are met, so two
    /// distinct types of one side never stand for one type of the other. Record
    /// markers must match everywhere except on the root type, whose identity the
    /// caller checks itself (a rename changes its REC_ID); a nested record whose
    /// version changed is a different shape, since old bytes could mean something
    /// else. Recursive types are compared without looping, and a name without a
    /// definition makes the shapes differ rather than panicking.
    ///
    /// # Example
    ///
    /// ```
    /// use persist_core::schema::{Body, Builder, Definition, Description, Field, Fields, Node, Schema};
    ///
    /// fn position(b: &mut Builder) -> Body {
    ///     Body::Struct(Fields::Named(vec![
    ///         Field::new("ticker", String::describe(b)),
    ///         Field::new("qty", i64::describe(b)),
    ///     ]))
    /// }
    ///
    /// struct Position;
    /// impl Schema for Position {
    ///     fn describe(builder: &mut Builder) -> Node {
    ///         builder.define::<Self>("Position".into(), |b| Definition::new("Position", position(b)))
    ///     }
    /// }
    ///
    /// struct Holding;
    /// impl Schema for Holding {
    ///     fn describe(builder: &mut Builder) -> Node {
    ///         builder.define::<Self>("Holding".into(), |b| Definition::new("Holding", position(b)))
    ///     }
    /// }
    ///
    /// let old = Description::of::<Vec<Position>>();
    /// let new = Description::of::<Vec<Holding>>();
    /// assert_ne!(old.fingerprint(), new.fingerprint());
    /// assert!(old.same_shape(&new));
    /// assert!(!old.same_shape(&Description::of::<Vec<(String, i64)>>()));
    /// ```
    pub fn same_shape(&self, other: &Description) -> bool {
        compare::same_shape(self, other)
    }
}

/// The fingerprint of canonical description bytes.
pub(crate) fn fingerprint_of(canonical: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(canonical)
}

/// Collects the [`Definition`]s of named types while a [`Schema::describe`] runs.
///
/// # Example
///
/// A hand-written impl for a type whose `Serialize` writes it as a single string:
///
/// ```
/// use persist_core::schema::{Body, Builder, Definition, Description, Fields, Node, Schema};
///
/// struct Ticker(String);
///
/// impl Schema for Ticker {
///     fn describe(builder: &mut Builder) -> Node {
///         builder.define::<Self>("Ticker".to_string(), |b| {
///             Definition::new("Ticker", Body::Struct(Fields::Newtype(String::describe(b))))
///         })
///     }
/// }
///
/// let d = Description::of::<Vec<Ticker>>();
/// assert_eq!(d.root().to_string(), "Vec<Ticker>");
/// assert_eq!(d.definitions().len(), 1);
/// ```
#[derive(Default, Debug)]
pub struct Builder {
    /// `None` while a definition is being built (so recursion finds its name).
    slots: Vec<Option<Definition>>,
    /// Name -> (slot, Rust type name), to tell recursion from two types sharing a name.
    names: HashMap<String, (usize, &'static str)>,
}

impl Builder {
    /// Registers the named type `T` under `name` (unless it is already registered or
    /// being registered, as in a recursive type) and returns the node referring to it.
    ///
    /// `build` makes the definition; its `name` is replaced by the name actually
    /// used. Two different Rust types with the same name (`a::Config` and
    /// `b::Config`) are told apart: the second is registered as `Config#2`.
    ///
    /// ```
    /// # use persist_core::schema::{Body, Builder, Definition, Fields, Node};
    /// let mut b = Builder::default();
    /// let node = b.define::<u8>("Byte".into(), |_| Definition::new("Byte", Body::Struct(Fields::Unit)));
    /// assert_eq!(node, Node::Named("Byte".into()));
    /// ```
    pub fn define<T: ?Sized>(
        &mut self,
        name: String,
        build: impl FnOnce(&mut Builder) -> Definition,
    ) -> Node {
        let rust_name = std::any::type_name::<T>();
        let mut candidate = name.clone();
        let mut counter = 1;
        loop {
            match self.names.get(&candidate) {
                Some((_, existing)) if *existing == rust_name => return Node::Named(candidate),
                Some(_) => {
                    counter += 1;
                    candidate = format!("{name}#{counter}");
                }
                None => break,
            }
        }
        let slot = self.slots.len();
        self.slots.push(None);
        self.names.insert(candidate.clone(), (slot, rust_name));
        let mut definition = build(self);
        definition.name = candidate.clone();
        self.slots[slot] = Some(definition);
        Node::Named(candidate)
    }

    pub(crate) fn finish(self, root: Node) -> Description {
        Description {
            root,
            // Every slot is filled once its `build` returns, and `define` always
            // returns after that; a missing one would mean `build` panicked.
            definitions: self.slots.into_iter().flatten().collect(),
        }
    }
}

/// Name of a generic type instantiation, as `Pair<u32, String>` or `Ring<u16, 4>`.
///
/// The arguments are the type arguments' nodes and the const arguments' values, in
/// order. Used by the derive so that `Wrapper<u32>` and `Wrapper<String>` get
/// distinct definitions.
///
/// ```
/// use persist_core::schema::{generic_name, Node};
/// assert_eq!(generic_name("Pair", &[Node::U32, Node::String]), "Pair<u32, String>");
/// assert_eq!(generic_name("Ring", &[Node::U16.to_string(), 4.to_string()]), "Ring<u16, 4>");
/// assert_eq!(generic_name::<Node>("Plain", &[]), "Plain");
/// ```
pub fn generic_name<A: std::fmt::Display>(base: &str, arguments: &[A]) -> String {
    if arguments.is_empty() {
        return base.to_string();
    }
    let args: Vec<String> = arguments.iter().map(ToString::to_string).collect();
    format!("{base}<{}>", args.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two distinct Rust types that serde would both call `Config`.
    mod a {
        pub struct Config;
    }
    mod b {
        pub struct Config;
    }

    fn describe_as_config<T>(builder: &mut Builder, field: Node) -> Node {
        builder.define::<T>("Config".into(), |_| {
            Definition::new(
                "Config",
                Body::Struct(Fields::Named(vec![Field::new("x", field)])),
            )
        })
    }

    impl Schema for a::Config {
        fn describe(builder: &mut Builder) -> Node {
            describe_as_config::<Self>(builder, Node::U8)
        }
    }

    impl Schema for b::Config {
        fn describe(builder: &mut Builder) -> Node {
            describe_as_config::<Self>(builder, Node::String)
        }
    }

    #[test]
    fn same_named_types_get_distinct_definitions() {
        let d = Description::of::<(a::Config, b::Config, a::Config)>();
        assert_eq!(
            d.to_string(),
            "type (Config, Config#2, Config)\n\
             struct Config { x: u8 }\n\
             struct Config#2 { x: String }"
        );
    }

    #[test]
    fn the_root_record_identity_comes_from_its_definition() {
        struct Rec;
        impl Schema for Rec {
            fn describe(builder: &mut Builder) -> Node {
                builder.define::<Self>("Rec".into(), |_| {
                    Definition::new("Rec", Body::Struct(Fields::Unit))
                        .with_record(RecordId::new("MyRec", 4))
                })
            }
        }
        let d = Description::of::<Rec>();
        assert_eq!(d.root_record(), Some(&RecordId::new("MyRec", 4)));
        assert_eq!(Description::of::<Vec<Rec>>().root_record(), None);
    }
}
