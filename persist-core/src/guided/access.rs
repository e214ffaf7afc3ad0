//! The serde access types through which `At` hands over compound values: items of
//! a sequence, fields of a tuple, entries of a map, named fields (as a map keyed
//! by the stored names) and enum variants (by the stored name). Each places the
//! errors of the values it hands over (`legs[3].price`).

use postcard::de_flavors::Flavor;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::de::{fields_any, At};
use super::{Guided, GuidedError};
use crate::schema::{Field, Fields, Node, Variant};

/// `count` items of one node: a sequence or an array.
pub(super) struct Items<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    item: &'s Node,
    left: u64,
    index: u64,
}

impl<'r, 's, 'de, F: Flavor<'de>> Items<'r, 's, 'de, F> {
    pub(super) fn new(reader: &'r mut Guided<'s, 'de, F>, item: &'s Node, count: u64) -> Self {
        Items {
            reader,
            item,
            left: count,
            index: 0,
        }
    }
}

/// What a compound value may tell serde to reserve: its count, but never more
/// than the bytes left could hold (a lying count reserves nothing it cannot back).
fn cautious(left: u64, bytes_left: u64) -> Option<usize> {
    usize::try_from(left.min(bytes_left)).ok()
}

impl<'de, F: Flavor<'de>> de::SeqAccess<'de> for Items<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GuidedError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let index = self.index;
        self.index += 1;
        seed.deserialize(At::new(self.reader, self.item))
            .map(Some)
            .map_err(|e| e.at_index(index, self.item))
    }

    fn size_hint(&self) -> Option<usize> {
        cautious(self.left, self.reader.left())
    }
}

/// The fields of a tuple or tuple struct, one node each.
pub(super) struct FieldsOf<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    nodes: &'s [Node],
    index: usize,
}

impl<'r, 's, 'de, F: Flavor<'de>> FieldsOf<'r, 's, 'de, F> {
    pub(super) fn new(reader: &'r mut Guided<'s, 'de, F>, nodes: &'s [Node]) -> Self {
        FieldsOf {
            reader,
            nodes,
            index: 0,
        }
    }
}

impl<'de, F: Flavor<'de>> de::SeqAccess<'de> for FieldsOf<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GuidedError> {
        let Some(node) = self.nodes.get(self.index) else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(At::new(self.reader, node))
            .map(Some)
            .map_err(|e| e.at_index(index as u64, node))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.nodes.len() - self.index)
    }
}

/// `count` entries of a map.
pub(super) struct Entries<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    key: &'s Node,
    value: &'s Node,
    left: u64,
    index: u64,
}

impl<'r, 's, 'de, F: Flavor<'de>> Entries<'r, 's, 'de, F> {
    pub(super) fn new(
        reader: &'r mut Guided<'s, 'de, F>,
        key: &'s Node,
        value: &'s Node,
        count: u64,
    ) -> Self {
        Entries {
            reader,
            key,
            value,
            left: count,
            index: 0,
        }
    }
}

impl<'de, F: Flavor<'de>> de::MapAccess<'de> for Entries<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GuidedError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(At::new(self.reader, self.key))
            .map(Some)
            .map_err(|e| e.at_index(self.index, self.key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, GuidedError> {
        let index = self.index;
        self.index += 1;
        seed.deserialize(At::new(self.reader, self.value))
            .map_err(|e| e.at_index(index, self.value))
    }

    fn size_hint(&self) -> Option<usize> {
        cautious(self.left, self.reader.left())
    }
}

/// The named fields of a struct or struct variant, as a map keyed by the stored
/// field names: serde's derived impls match them by name.
pub(super) struct NamedFields<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    fields: &'s [Field],
    index: usize,
}

impl<'r, 's, 'de, F: Flavor<'de>> NamedFields<'r, 's, 'de, F> {
    pub(super) fn new(reader: &'r mut Guided<'s, 'de, F>, fields: &'s [Field]) -> Self {
        NamedFields {
            reader,
            fields,
            index: 0,
        }
    }
}

impl<'de, F: Flavor<'de>> de::MapAccess<'de> for NamedFields<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GuidedError> {
        let Some(field) = self.fields.get(self.index) else {
            return Ok(None);
        };
        let name: StrDeserializer<'_, GuidedError> = field.name.as_str().into_deserializer();
        seed.deserialize(name).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, GuidedError> {
        let Some(field) = self.fields.get(self.index) else {
            return Err(self
                .reader
                .error("a field value was asked for past the last field"));
        };
        self.index += 1;
        seed.deserialize(At::new(self.reader, &field.node))
            .map_err(|e| e.in_field(&field.name, &field.node))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.index)
    }
}

/// A value of a stored enum: its variant index, read and handed over by name.
pub(super) struct Variants<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    name: &'s str,
    variants: &'s [Variant],
}

impl<'r, 's, 'de, F: Flavor<'de>> Variants<'r, 's, 'de, F> {
    pub(super) fn new(
        reader: &'r mut Guided<'s, 'de, F>,
        name: &'s str,
        variants: &'s [Variant],
    ) -> Self {
        Variants {
            reader,
            name,
            variants,
        }
    }
}

impl<'r, 's, 'de, F: Flavor<'de>> de::EnumAccess<'de> for Variants<'r, 's, 'de, F> {
    type Error = GuidedError;
    type Variant = VariantFields<'r, 's, 'de, F>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), GuidedError> {
        let at = self.reader.position;
        let what = "a variant index";
        let index = self.reader.varint(32, what)?;
        let Some(variant) = usize::try_from(index)
            .ok()
            .and_then(|i| self.variants.get(i))
        else {
            return Err(GuidedError::wire(format_args!(
                "at byte {at}: variant index {index} out of range for enum `{}` ({} variants)",
                self.name,
                self.variants.len()
            )));
        };
        let name: StrDeserializer<'_, GuidedError> = variant.name.as_str().into_deserializer();
        let value = seed.deserialize(name)?;
        Ok((
            value,
            VariantFields {
                reader: self.reader,
                variant,
            },
        ))
    }
}

/// The fields of the variant a stored enum value holds.
pub(super) struct VariantFields<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    variant: &'s Variant,
}

impl<'de, F: Flavor<'de>> VariantFields<'_, '_, 'de, F> {
    #[cold]
    fn mismatch(&self, asked: &str) -> GuidedError {
        self.reader.refuse(format_args!(
            "variant `{}` is stored with {}, and is read as {asked}",
            self.variant.name,
            match &self.variant.fields {
                Fields::Unit => "no fields",
                Fields::Newtype(_) => "one unnamed field",
                Fields::Tuple(_) => "unnamed fields",
                Fields::Named(_) => "named fields",
            }
        ))
    }
}

impl<'de, F: Flavor<'de>> de::VariantAccess<'de> for VariantFields<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn unit_variant(self) -> Result<(), GuidedError> {
        match self.variant.fields {
            Fields::Unit => Ok(()),
            _ => Err(self.mismatch("a unit variant")),
        }
    }

    /// The one field of a newtype variant. (Other shapes are handed over whole,
    /// for `IgnoredAny`, which reads every variant as a newtype; a real newtype's
    /// `Deserialize` refuses them.)
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, GuidedError> {
        match &self.variant.fields {
            Fields::Newtype(node) => seed.deserialize(At::new(self.reader, node)),
            fields => seed.deserialize(WholeFields {
                reader: self.reader,
                fields,
            }),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        match &self.variant.fields {
            Fields::Tuple(nodes) => visitor.visit_seq(FieldsOf::new(self.reader, nodes)),
            _ => Err(self.mismatch("a tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        match &self.variant.fields {
            Fields::Named(named) => visitor.visit_map(NamedFields::new(self.reader, named)),
            _ => Err(self.mismatch("a struct variant")),
        }
    }
}

/// A variant's fields handed over as one value, whatever is asked.
struct WholeFields<'r, 's, 'de, F: Flavor<'de>> {
    reader: &'r mut Guided<'s, 'de, F>,
    fields: &'s Fields,
}

impl<'de, F: Flavor<'de>> de::Deserializer<'de> for WholeFields<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        fields_any(self.reader, self.fields, visitor)
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
