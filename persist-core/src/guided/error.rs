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
///
/// Boxed: every frame of the reader's recursion holds a `Result` of it, and in a
/// debug build each takes its own stack slot, so a small error keeps deep values
/// (a long linked list) within a thread's stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GuidedError(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    message: String,
    /// Whether the bytes themselves are wrong (they do not follow the stored
    /// schema: a payload damaged or misdescribed), rather than the value they hold
    /// refused by the type that reads it.
    wire: bool,
    /// Whether the reader stopped at its depth limit, which says nothing of the
    /// bytes below.
    too_deep: bool,
    /// The stored node of the innermost placed value the error arose in, as the
    /// schema prints it: what the description said was there.
    described: Option<String>,
    /// Outermost step first once complete; built innermost first, then reversed
    /// lazily by `place`.
    steps_inner_first: Vec<Step>,
}

impl GuidedError {
    /// The reading type refused the value: `message`, not yet placed.
    #[cold]
    pub(crate) fn new(message: impl Display) -> Self {
        GuidedError(Box::new(Inner {
            message: message.to_string(),
            wire: false,
            too_deep: false,
            described: None,
            steps_inner_first: Vec::new(),
        }))
    }

    /// The bytes do not follow the stored schema: `message`, not yet placed.
    #[cold]
    pub(crate) fn wire(message: impl Display) -> Self {
        let mut error = GuidedError::new(message);
        error.0.wire = true;
        error
    }

    /// The reader reached its depth limit: `message`. Counts as a wire error.
    #[cold]
    pub(crate) fn too_deep(message: impl Display) -> Self {
        let mut error = GuidedError::wire(message);
        error.0.too_deep = true;
        error
    }

    /// Whether the reader stopped at its depth limit.
    pub(crate) fn is_too_deep(&self) -> bool {
        self.0.too_deep
    }

    /// Whether the bytes themselves are wrong, rather than the value refused.
    pub(crate) fn is_wire(&self) -> bool {
        self.0.wire
    }

    /// The same error, inside the field `name` (stored as `node`) of the
    /// enclosing struct.
    #[cold]
    pub(crate) fn in_field(mut self, name: &str, node: &Node) -> Self {
        self.0.steps_inner_first.push(Step::Field(name.to_owned()));
        self.0.described.get_or_insert_with(|| node.to_string());
        self
    }

    /// The same error, inside item `index` (stored as `node`) of the enclosing
    /// sequence, tuple or map.
    #[cold]
    pub(crate) fn at_index(mut self, index: u64, node: &Node) -> Self {
        self.0.steps_inner_first.push(Step::Index(index));
        self.0.described.get_or_insert_with(|| node.to_string());
        self
    }

    /// What the stored schema said the innermost placed value was, if the error
    /// is placed.
    pub(crate) fn described(&self) -> Option<&str> {
        self.0.described.as_deref()
    }

    /// The place, as `a.b[3].c`; empty for the root.
    pub(crate) fn place(&self) -> String {
        let mut place = String::new();
        for step in self.0.steps_inner_first.iter().rev() {
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
        &self.0.message
    }
}

impl Display for GuidedError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let place = self.place();
        if place.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "at `{place}`: {}", self.0.message)
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
