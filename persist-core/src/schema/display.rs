//! Descriptions as readable, Rust-like text: what `inspect` shows a person.

use std::fmt::{self, Display, Formatter, Write};

use super::{Body, Definition, Description, Fields, Node, RecordId};

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let primitive = match self {
            Node::Bool => "bool",
            Node::U8 => "u8",
            Node::U16 => "u16",
            Node::U32 => "u32",
            Node::U64 => "u64",
            Node::U128 => "u128",
            Node::Usize => "usize",
            Node::I8 => "i8",
            Node::I16 => "i16",
            Node::I32 => "i32",
            Node::I64 => "i64",
            Node::I128 => "i128",
            Node::Isize => "isize",
            Node::F32 => "f32",
            Node::F64 => "f64",
            Node::Char => "char",
            Node::String => "String",
            Node::Bytes => "Bytes",
            Node::Unit => "()",
            Node::Option(inner) => return write!(f, "Option<{inner}>"),
            Node::Seq(item) => return write!(f, "Vec<{item}>"),
            Node::Array(len, item) => return write!(f, "[{item}; {len}]"),
            Node::Tuple(items) => {
                f.write_char('(')?;
                write_list(f, items)?;
                // A one-element tuple needs its trailing comma to read as a tuple.
                return f.write_str(if items.len() == 1 { ",)" } else { ")" });
            }
            Node::Map(key, value) => return write!(f, "Map<{key}, {value}>"),
            Node::Named(name) => name,
        };
        f.write_str(primitive)
    }
}

fn write_list(f: &mut Formatter<'_>, nodes: &[Node]) -> fmt::Result {
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{node}")?;
    }
    Ok(())
}

impl Display for RecordId {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.rec_id, self.version)
    }
}

/// Writes fields the way they follow a struct or variant name.
fn write_fields(f: &mut Formatter<'_>, fields: &Fields) -> fmt::Result {
    match fields {
        Fields::Unit => Ok(()),
        Fields::Newtype(node) => write!(f, "({node})"),
        Fields::Tuple(nodes) => {
            f.write_char('(')?;
            write_list(f, nodes)?;
            f.write_char(')')
        }
        Fields::Named(fields) => {
            f.write_str(" { ")?;
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}: {}", field.name, field.node)?;
            }
            f.write_str(" }")
        }
    }
}

impl Display for Definition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(record) = &self.record {
            writeln!(
                f,
                "#[rec_id = {:?}] #[pickle(version = {})]",
                record.rec_id, record.version
            )?;
        }
        match &self.body {
            Body::Struct(fields) => {
                write!(f, "struct {}", self.name)?;
                write_fields(f, fields)?;
                if !matches!(fields, Fields::Named(_)) {
                    f.write_char(';')?;
                }
                Ok(())
            }
            Body::Enum(variants) => {
                write!(f, "enum {} {{", self.name)?;
                for (i, variant) in variants.iter().enumerate() {
                    f.write_str(if i == 0 { " " } else { ", " })?;
                    f.write_str(&variant.name)?;
                    write_fields(f, &variant.fields)?;
                }
                f.write_str(" }")
            }
        }
    }
}

/// One line naming the root type, then one line per definition.
impl Display for Description {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "type {}", self.root)?;
        for definition in &self.definitions {
            write!(f, "\n{definition}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Field, Variant};
    use super::*;

    #[test]
    fn nodes_read_like_rust_types() {
        let node = Node::Map(
            Box::new(Node::String),
            Box::new(Node::Seq(Box::new(Node::Tuple(vec![Node::U8])))),
        );
        assert_eq!(node.to_string(), "Map<String, Vec<(u8,)>>");
        assert_eq!(Node::Array(4, Box::new(Node::U8)).to_string(), "[u8; 4]");
    }

    #[test]
    fn definitions_read_like_rust_items() {
        let side = Definition::new(
            "Order",
            Body::Enum(vec![
                Variant::new("Market", Fields::Unit),
                Variant::new("Limit", Fields::Newtype(Node::F64)),
                Variant::new("Band", Fields::Tuple(vec![Node::F64, Node::F64])),
                Variant::new("Stop", Fields::Named(vec![Field::new("at", Node::F64)])),
            ]),
        );
        assert_eq!(
            side.to_string(),
            "enum Order { Market, Limit(f64), Band(f64, f64), Stop { at: f64 } }"
        );
    }
}
