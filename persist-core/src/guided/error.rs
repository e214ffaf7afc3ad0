//! The error of a schema-guided read: a message, and the place in the value where
//! it arose, built up as the error travels out of the nested values (so a read that
//! succeeds never spends anything on places).

use std::fmt::{self, Display, Formatter};

use crate::schema::Node;

/// One step into a value: a struct field, or an item of a sequence, tuple or map.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Field(String),
    Index(u64),
}

/// Why a payload did not read as the type asked for, and where.
///
/// Displays as ``at `levels[1]`: 150 is not a percentage``, or the bare message
/// when it concerns the value as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GuidedError {
    message: String,
    /// Whether the bytes themselves are wrong (they do not follow the stored
    /// schema: a payload damaged or misdescribed), rather than the value they hold
    /// refused by the type that reads it.
    wire: bool,
    /// The stored node of the innermost placed value the error arose in, as the
    /// schema prints it: what the description said was there.
    described: Option<String>,
    /// Outermost step first once complete; built innermost first, then reversed
    /// lazily by `place`.
    steps_inner_first: Vec<Step>,
}

impl GuidedError {
    /// The reading type refused the value: `message`, not yet placed.
    pub(crate) fn new(message: impl Display) -> Self {
        GuidedError {
            message: message.to_string(),
            wire: false,
            described: None,
            steps_inner_first: Vec::new(),
        }
    }

    /// The bytes do not follow the stored schema: `message`, not yet placed.
    pub(crate) fn wire(message: impl Display) -> Self {
        GuidedError {
            wire: true,
            ..GuidedError::new(message)
        }
    }

    /// Whether the bytes themselves are wrong, rather than the value refused.
    pub(crate) fn is_wire(&self) -> bool {
        self.wire
    }

    /// The same error, inside the field `name` (stored as `node`) of the
    /// enclosing struct.
    #[cold]
    pub(crate) fn in_field(mut self, name: &str, node: &Node) -> Self {
        self.steps_inner_first.push(Step::Field(name.to_owned()));
        self.described.get_or_insert_with(|| node.to_string());
        self
    }

    /// The same error, inside item `index` (stored as `node`) of the enclosing
    /// sequence, tuple or map.
    #[cold]
    pub(crate) fn at_index(mut self, index: u64, node: &Node) -> Self {
        self.steps_inner_first.push(Step::Index(index));
        self.described.get_or_insert_with(|| node.to_string());
        self
    }

    /// What the stored schema said the innermost placed value was, if the error
    /// is placed.
    pub(crate) fn described(&self) -> Option<&str> {
        self.described.as_deref()
    }

    /// The place, as `a.b[3].c`; empty for the root.
    pub(crate) fn place(&self) -> String {
        let mut place = String::new();
        for step in self.steps_inner_first.iter().rev() {
            match step {
                Step::Field(name) if place.is_empty() => place.push_str(name),
                Step::Field(name) => {
                    place.push('.');
                    place.push_str(name);
                }
                Step::Index(index) => {
                    place.push('[');
                    place.push_str(&index.to_string());
                    place.push(']');
                }
            }
        }
        place
    }

    /// The message without the place.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl Display for GuidedError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let place = self.place();
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{place}`: {}", self.message)
        }
    }
}

impl std::error::Error for GuidedError {}

impl serde::de::Error for GuidedError {
    fn custom<T: Display>(message: T) -> Self {
        GuidedError::new(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_outermost_first() {
        let e = GuidedError::new("bad")
            .in_field("price", &Node::F64)
            .at_index(3, &Node::Named("Leg".into()))
            .in_field("legs", &Node::Seq(Box::new(Node::Named("Leg".into()))));
        assert_eq!(e.place(), "legs[3].price");
        assert_eq!(e.described(), Some("f64"));
        assert_eq!(e.to_string(), "at `legs[3].price`: bad");
        assert_eq!(GuidedError::new("bad").to_string(), "bad");
    }
}
