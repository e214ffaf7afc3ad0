//! [`Schema`] for primitives and the standard library, mirroring serde's impls.
//!
//! Each description must match what serde's `Serialize` impl writes in a
//! non-human-readable format such as postcard; the comments name the serde behaviour
//! each one follows.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::num::{
    NonZeroI128, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI8, NonZeroIsize, NonZeroU128,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize, Wrapping,
};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use super::{Body, Builder, Definition, Field, Fields, Node, Schema, Variant};

macro_rules! leaf {
    ($($ty:ty => $node:ident),* $(,)?) => {
        $(impl Schema for $ty {
            fn describe(_: &mut Builder) -> Node {
                Node::$node
            }
        })*
    };
}

leaf! {
    bool => Bool, u8 => U8, u16 => U16, u32 => U32, u64 => U64, u128 => U128, usize => Usize,
    i8 => I8, i16 => I16, i32 => I32, i64 => I64, i128 => I128, isize => Isize,
    f32 => F32, f64 => F64, char => Char, str => String, String => String, () => Unit,
    // serde writes paths as strings (and refuses ones that are not UTF-8).
    Path => String, PathBuf => String,
    // serde writes non-zero integers as the plain integer.
    NonZeroU8 => U8, NonZeroU16 => U16, NonZeroU32 => U32, NonZeroU64 => U64,
    NonZeroU128 => U128, NonZeroUsize => Usize, NonZeroI8 => I8, NonZeroI16 => I16,
    NonZeroI32 => I32, NonZeroI64 => I64, NonZeroI128 => I128, NonZeroIsize => Isize,
}

/// Wrappers that serde writes as the value they hold.
macro_rules! transparent {
    ($($ty:ident),*) => {
        $(impl<T: Schema + ?Sized> Schema for $ty<T> {
            fn describe(builder: &mut Builder) -> Node {
                T::describe(builder)
            }
        })*
    };
}

transparent!(Box, Rc, Arc, RefCell, Mutex, RwLock);

impl<T: Schema + ?Sized> Schema for &T {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema + ?Sized> Schema for &mut T {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema + Copy> Schema for Cell<T> {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema> Schema for Wrapping<T> {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema> Schema for Reverse<T> {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema + ToOwned + ?Sized> Schema for Cow<'_, T> {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: ?Sized> Schema for PhantomData<T> {
    /// serde writes `PhantomData` as a unit struct: no bytes at all.
    fn describe(_: &mut Builder) -> Node {
        Node::Unit
    }
}

impl<T: Schema> Schema for Option<T> {
    fn describe(builder: &mut Builder) -> Node {
        Node::Option(Box::new(T::describe(builder)))
    }
}

/// Containers that serde writes as a sequence with its length.
macro_rules! seq {
    ($($ty:ident $(: $bound:path)?),*) => {
        $(impl<T: Schema $(+ $bound)?> Schema for $ty<T> {
            fn describe(builder: &mut Builder) -> Node {
                Node::Seq(Box::new(T::describe(builder)))
            }
        })*
    };
}

seq!(Vec, VecDeque, LinkedList, BinaryHeap: Ord, BTreeSet: Ord);

impl<T: Schema> Schema for [T] {
    fn describe(builder: &mut Builder) -> Node {
        Node::Seq(Box::new(T::describe(builder)))
    }
}

impl<T: Schema, S> Schema for HashSet<T, S> {
    fn describe(builder: &mut Builder) -> Node {
        Node::Seq(Box::new(T::describe(builder)))
    }
}

impl<K: Schema, V: Schema, S> Schema for HashMap<K, V, S> {
    fn describe(builder: &mut Builder) -> Node {
        let key = K::describe(builder);
        Node::Map(Box::new(key), Box::new(V::describe(builder)))
    }
}

impl<K: Schema, V: Schema> Schema for BTreeMap<K, V> {
    fn describe(builder: &mut Builder) -> Node {
        let key = K::describe(builder);
        Node::Map(Box::new(key), Box::new(V::describe(builder)))
    }
}

impl<T: Schema, const N: usize> Schema for [T; N] {
    /// serde writes arrays as tuples: the items without a length.
    fn describe(builder: &mut Builder) -> Node {
        Node::Array(N as u64, Box::new(T::describe(builder)))
    }
}

macro_rules! tuple {
    ($($name:ident)+) => {
        impl<$($name: Schema),+> Schema for ($($name,)+) {
            fn describe(builder: &mut Builder) -> Node {
                Node::Tuple(vec![$($name::describe(builder)),+])
            }
        }
    };
}

tuple!(A);
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);
tuple!(A B C D E);
tuple!(A B C D E F);
tuple!(A B C D E F G);
tuple!(A B C D E F G H);
tuple!(A B C D E F G H I);
tuple!(A B C D E F G H I J);
tuple!(A B C D E F G H I J K);
tuple!(A B C D E F G H I J K L);
tuple!(A B C D E F G H I J K L M);
tuple!(A B C D E F G H I J K L M N);
tuple!(A B C D E F G H I J K L M N O);
tuple!(A B C D E F G H I J K L M N O P);

/// A struct of named fields, for the std types serde writes with `serialize_struct`.
fn named_struct<T: ?Sized>(builder: &mut Builder, name: &str, fields: &[(&str, Node)]) -> Node {
    builder.define::<T>(name.to_string(), |_| {
        let fields = fields
            .iter()
            .map(|(name, node)| Field::new(*name, node.clone()))
            .collect();
        Definition::new(name, Body::Struct(Fields::Named(fields)))
    })
}

impl Schema for Duration {
    /// serde: `struct Duration { secs: u64, nanos: u32 }`.
    fn describe(builder: &mut Builder) -> Node {
        named_struct::<Self>(
            builder,
            "Duration",
            &[("secs", Node::U64), ("nanos", Node::U32)],
        )
    }
}

impl Schema for SystemTime {
    /// serde: `struct SystemTime { secs_since_epoch: u64, nanos_since_epoch: u32 }`.
    fn describe(builder: &mut Builder) -> Node {
        named_struct::<Self>(
            builder,
            "SystemTime",
            &[
                ("secs_since_epoch", Node::U64),
                ("nanos_since_epoch", Node::U32),
            ],
        )
    }
}

impl<T: Schema> Schema for Range<T> {
    /// serde: `struct Range { start: T, end: T }`.
    fn describe(builder: &mut Builder) -> Node {
        let t = T::describe(builder);
        let name = super::generic_name("Range", std::slice::from_ref(&t));
        named_struct::<Self>(builder, &name, &[("start", t.clone()), ("end", t)])
    }
}

impl<T: Schema> Schema for RangeInclusive<T> {
    /// serde: `struct RangeInclusive { start: T, end: T }`.
    fn describe(builder: &mut Builder) -> Node {
        let t = T::describe(builder);
        let name = super::generic_name("RangeInclusive", std::slice::from_ref(&t));
        named_struct::<Self>(builder, &name, &[("start", t.clone()), ("end", t)])
    }
}

impl Schema for Ipv4Addr {
    /// serde (not human-readable): the four octets as a tuple.
    fn describe(_: &mut Builder) -> Node {
        Node::Array(4, Box::new(Node::U8))
    }
}

impl Schema for Ipv6Addr {
    /// serde (not human-readable): the sixteen octets as a tuple.
    fn describe(_: &mut Builder) -> Node {
        Node::Array(16, Box::new(Node::U8))
    }
}

impl Schema for SocketAddrV4 {
    /// serde (not human-readable): `(ip, port)`.
    fn describe(builder: &mut Builder) -> Node {
        Node::Tuple(vec![Ipv4Addr::describe(builder), Node::U16])
    }
}

impl Schema for SocketAddrV6 {
    /// serde (not human-readable): `(ip, port)`.
    fn describe(builder: &mut Builder) -> Node {
        Node::Tuple(vec![Ipv6Addr::describe(builder), Node::U16])
    }
}

/// An enum of two newtype variants `V4` and `V6`, as serde writes the address enums.
fn v4_v6<T: ?Sized>(builder: &mut Builder, name: &str, v4: Node, v6: Node) -> Node {
    builder.define::<T>(name.to_string(), |_| {
        Definition::new(
            name,
            Body::Enum(vec![
                Variant::new("V4", Fields::Newtype(v4)),
                Variant::new("V6", Fields::Newtype(v6)),
            ]),
        )
    })
}

impl Schema for IpAddr {
    /// serde (not human-readable): `enum IpAddr { V4(Ipv4Addr), V6(Ipv6Addr) }`.
    fn describe(builder: &mut Builder) -> Node {
        let v4 = Ipv4Addr::describe(builder);
        let v6 = Ipv6Addr::describe(builder);
        v4_v6::<Self>(builder, "IpAddr", v4, v6)
    }
}

impl Schema for SocketAddr {
    /// serde (not human-readable): `enum SocketAddr { V4(SocketAddrV4), V6(SocketAddrV6) }`.
    fn describe(builder: &mut Builder) -> Node {
        let v4 = SocketAddrV4::describe(builder);
        let v6 = SocketAddrV6::describe(builder);
        v4_v6::<Self>(builder, "SocketAddr", v4, v6)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Description;
    use super::*;

    #[test]
    fn std_types_describe_as_serde_writes_them() {
        assert_eq!(Description::of::<Box<str>>().root(), &Node::String);
        assert_eq!(
            Description::of::<HashSet<u8>>().root().to_string(),
            "Vec<u8>"
        );
        assert_eq!(
            Description::of::<HashMap<String, [f32; 3]>>()
                .root()
                .to_string(),
            "Map<String, [f32; 3]>"
        );
        let d = Description::of::<(IpAddr, Duration)>();
        assert_eq!(
            d.to_string(),
            "type (IpAddr, Duration)\n\
             enum IpAddr { V4([u8; 4]), V6([u8; 16]) }\n\
             struct Duration { secs: u64, nanos: u32 }"
        );
    }

    #[test]
    fn generic_std_structs_are_named_per_argument() {
        let d = Description::of::<(Range<u32>, Range<i64>)>();
        let names: Vec<_> = d.definitions().iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Range<u32>", "Range<i64>"]);
    }
}
