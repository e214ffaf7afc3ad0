//! The differences between the schema stored in a file and the schema of the type a
//! load asks for, each judged safe to resolve or not.
//!
//! A load resolves a difference without user code only when it has one safe answer:
//! a field the file lacks gets the type's default (serde decides, through
//! `#[serde(default)]`), a field the type lacks is dropped, fields in another order
//! are matched by name, an enum variant the file does not know is simply unused, an
//! integer or float that got wider holds every old value. A nested record whose
//! version changed is upgraded through its own migrations. Everything else is a
//! [`Change`] that is not safe, and the load is refused with the list.
//!
//! The walk pairs the file's named types with the program's by position, as
//! [`same_shape`](super::Description::same_shape) does: a renamed type is the same
//! type, but generic arguments must be equal.

use std::collections::HashMap;
use std::fmt::{self, Display, Formatter};

use super::compare::generic_arguments;
use super::{Body, Definition, Description, Fields, Node, RecordId};

/// One difference between a file's schema and a program's.
///
/// ```
/// use persist_core::schema::diff::Change;
/// let c = Change::FieldRemoved { path: "Portfolio".into(), field: "notes".into() };
/// assert!(c.is_safe());
/// assert_eq!(c.to_string(), "`Portfolio.notes`: removed (the file's values are dropped)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The program's type has a field the file lacks: it needs a default.
    FieldAdded {
        /// Where: the struct or variant.
        path: String,
        /// The field.
        field: String,
    },
    /// The file has a field the program's type lacks: it is dropped.
    FieldRemoved {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// The same fields, in another order.
    FieldsReordered {
        /// Where.
        path: String,
    },
    /// The program's enum has a variant the file's lacks.
    VariantAdded {
        /// Where: the enum.
        path: String,
        /// The variant.
        variant: String,
    },
    /// The file's enum has a variant the program's lacks: a value of it could not
    /// be read.
    VariantRemoved {
        /// Where.
        path: String,
        /// The variant.
        variant: String,
    },
    /// The same variants, in another order (they are matched by name).
    VariantsReordered {
        /// Where.
        path: String,
    },
    /// A number got wider (`u32` to `u64`, `f32` to `f64`): every old value fits.
    Widened {
        /// Where.
        path: String,
        /// The file's type.
        from: String,
        /// The program's type.
        to: String,
    },
    /// A nested record changed version: it is upgraded through its own migrations.
    RecordVersion {
        /// Where.
        path: String,
        /// The record's REC_ID.
        rec_id: String,
        /// The version in the file.
        from: u32,
        /// The version in the program.
        to: u32,
    },
    /// Anything else: another type, another shape, a narrower number.
    TypeChanged {
        /// Where.
        path: String,
        /// The file's type.
        from: String,
        /// The program's type.
        to: String,
    },
}

impl Change {
    /// Whether a load may resolve this change by itself. A [`Change::FieldAdded`]
    /// counts as safe here: whether the field has a default is serde's to say when
    /// the value is read.
    ///
    /// See [`Change`] for an example.
    pub fn is_safe(&self) -> bool {
        !matches!(
            self,
            Change::VariantRemoved { .. } | Change::TypeChanged { .. }
        )
    }

    /// Whether this change only drops what the file has and the program lacks: the
    /// one kind of change a file from a newer version may have.
    ///
    /// ```
    /// use persist_core::schema::diff::Change;
    /// assert!(Change::FieldRemoved { path: "A".into(), field: "x".into() }.only_drops());
    /// ```
    pub fn only_drops(&self) -> bool {
        matches!(
            self,
            Change::FieldRemoved { .. } | Change::FieldsReordered { .. }
        )
    }
}

impl Display for Change {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Change::FieldAdded { path, field } => {
                write!(f, "`{path}.{field}`: added (it needs a default)")
            }
            Change::FieldRemoved { path, field } => {
                write!(
                    f,
                    "`{path}.{field}`: removed (the file's values are dropped)"
                )
            }
            Change::FieldsReordered { path } => write!(f, "`{path}`: fields reordered"),
            Change::VariantAdded { path, variant } => {
                write!(f, "`{path}::{variant}`: variant added")
            }
            Change::VariantRemoved { path, variant } => write!(
                f,
                "`{path}::{variant}`: variant removed (a saved value of it could not be read)"
            ),
            Change::VariantsReordered { path } => write!(f, "`{path}`: variants reordered"),
            Change::Widened { path, from, to } => {
                write!(f, "`{path}`: widened from {from} to {to}")
            }
            Change::RecordVersion {
                path,
                rec_id,
                from,
                to,
            } => write!(f, "`{path}`: record `{rec_id}` v{from} becomes v{to}"),
            Change::TypeChanged { path, from, to } => write!(f, "`{path}`: {from} became {to}"),
        }
    }
}

/// The changes from the file's schema `file` to the program's `program`; empty when
/// they describe the same thing (up to the names of types).
///
/// ```
/// use persist_core::schema::{diff, Description};
/// let changes = diff::changes(&Description::of::<Vec<u32>>(), &Description::of::<Vec<u64>>());
/// assert_eq!(changes.len(), 1);
/// assert!(changes[0].is_safe());
/// assert_eq!(changes[0].to_string(), "`[]`: widened from u32 to u64");
/// ```
pub fn changes(file: &Description, program: &Description) -> Vec<Change> {
    let mut walk = Walk::new(file, program);
    walk.nodes("", file.root(), program.root());
    walk.pending_pairs();
    walk.changes
}

/// The state of one comparison.
struct Walk<'a> {
    file_defs: HashMap<&'a str, &'a Definition>,
    program_defs: HashMap<&'a str, &'a Definition>,
    /// The root pair of named types, whose record markers the caller checks.
    root: Option<(&'a str, &'a str)>,
    /// File name -> program name, and back: the pairing must be one to one.
    file_to_program: HashMap<&'a str, &'a str>,
    program_to_file: HashMap<&'a str, &'a str>,
    /// Pairs met but not compared yet, with the path where they were first met.
    pending: Vec<(String, &'a str, &'a str)>,
    changes: Vec<Change>,
}

impl<'a> Walk<'a> {
    fn new(file: &'a Description, program: &'a Description) -> Self {
        let root = match (file.root(), program.root()) {
            (Node::Named(a), Node::Named(b)) => Some((a.as_str(), b.as_str())),
            _ => None,
        };
        Walk {
            file_defs: index(file.definitions()),
            program_defs: index(program.definitions()),
            root,
            file_to_program: HashMap::new(),
            program_to_file: HashMap::new(),
            pending: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// Compares two nodes met at `path`; named types are paired and compared later.
    fn nodes(&mut self, path: &str, file: &'a Node, program: &'a Node) {
        match (file, program) {
            (Node::Option(a), Node::Option(b)) => self.nodes(path, a, b),
            (Node::Seq(a), Node::Seq(b)) => self.nodes(&join(path, "[]"), a, b),
            (Node::Array(n, a), Node::Array(m, b)) if n == m => self.nodes(&join(path, "[]"), a, b),
            (Node::Map(ka, va), Node::Map(kb, vb)) => {
                self.nodes(&join(path, "{key}"), ka, kb);
                self.nodes(&join(path, "{value}"), va, vb);
            }
            (Node::Tuple(a), Node::Tuple(b)) if a.len() == b.len() => {
                for (i, (a, b)) in a.iter().zip(b).enumerate() {
                    self.nodes(&join(path, &i.to_string()), a, b);
                }
            }
            (Node::Named(a), Node::Named(b)) => self.pair(path, a, b),
            (a, b) if a == b => {}
            (a, b) => self.changes.push(match widening(a, b) {
                true => Change::Widened {
                    path: display_path(path),
                    from: a.to_string(),
                    to: b.to_string(),
                },
                false => Change::TypeChanged {
                    path: display_path(path),
                    from: a.to_string(),
                    to: b.to_string(),
                },
            }),
        }
    }

    /// Pairs the named types `file` and `program`, met at `path`.
    fn pair(&mut self, path: &str, file: &'a str, program: &'a str) {
        match (
            self.file_to_program.get(file),
            self.program_to_file.get(program),
        ) {
            (Some(&paired), _) if paired == program => {}
            (None, None) => {
                self.file_to_program.insert(file, program);
                self.program_to_file.insert(program, file);
                self.pending.push((path.to_string(), file, program));
            }
            // One type of the file cannot be two of the program, or the reverse.
            _ => self.type_changed(path, file, program),
        }
    }

    fn pending_pairs(&mut self) {
        while let Some((path, file, program)) = self.pending.pop() {
            self.definitions(&path, file, program);
        }
    }

    /// Compares the definitions of a pair of named types met at `path`.
    fn definitions(&mut self, path: &str, file: &'a str, program: &'a str) {
        let (Some(a), Some(b)) = (
            self.file_defs.get(file).copied(),
            self.program_defs.get(program).copied(),
        ) else {
            return self.type_changed(path, file, program);
        };
        // A struct's own path is its name, so messages read `Portfolio.cash`.
        let here = if path.is_empty() {
            program.to_string()
        } else {
            path.to_string()
        };
        if generic_arguments(file) != generic_arguments(program) {
            return self.type_changed(path, file, program);
        }
        let is_root = self.root == Some((file, program));
        if !is_root {
            match self.records(&here, a.record.as_ref(), b.record.as_ref()) {
                Records::Same => {}
                // Its own migrations bring it to the program's layout.
                Records::Upgraded => return,
                Records::Different => return self.type_changed(path, file, program),
            }
        }
        match (&a.body, &b.body) {
            (Body::Struct(fa), Body::Struct(fb)) => self.fields(&here, fa, fb, file, program),
            (Body::Enum(va), Body::Enum(vb)) => self.variants(&here, va, vb),
            _ => self.type_changed(path, file, program),
        }
    }

    /// How two record markers relate: the same (or both absent), the same record at
    /// another version (recorded as a change; its layout is its migrations'
    /// business), or different types.
    fn records(
        &mut self,
        path: &str,
        file: Option<&RecordId>,
        program: Option<&RecordId>,
    ) -> Records {
        match (file, program) {
            (None, None) => Records::Same,
            (Some(a), Some(b)) if a == b => Records::Same,
            (Some(a), Some(b)) if a.rec_id == b.rec_id => {
                self.changes.push(Change::RecordVersion {
                    path: path.to_string(),
                    rec_id: a.rec_id.clone(),
                    from: a.version,
                    to: b.version,
                });
                Records::Upgraded
            }
            _ => Records::Different,
        }
    }

    fn fields(
        &mut self,
        path: &str,
        file: &'a Fields,
        program: &'a Fields,
        fname: &str,
        pname: &str,
    ) {
        match (file, program) {
            (Fields::Unit, Fields::Unit) => {}
            (Fields::Newtype(a), Fields::Newtype(b)) => self.nodes(path, a, b),
            (Fields::Tuple(a), Fields::Tuple(b)) if a.len() == b.len() => {
                for (i, (a, b)) in a.iter().zip(b).enumerate() {
                    self.nodes(&join(path, &i.to_string()), a, b);
                }
            }
            (Fields::Named(a), Fields::Named(b)) => {
                for field in a {
                    match b.iter().find(|other| other.name == field.name) {
                        Some(other) => {
                            self.nodes(&join(path, &field.name), &field.node, &other.node)
                        }
                        None => self.changes.push(Change::FieldRemoved {
                            path: path.to_string(),
                            field: field.name.clone(),
                        }),
                    }
                }
                for field in b {
                    if !a.iter().any(|other| other.name == field.name) {
                        self.changes.push(Change::FieldAdded {
                            path: path.to_string(),
                            field: field.name.clone(),
                        });
                    }
                }
                let common_a = a.iter().filter(|f| b.iter().any(|g| g.name == f.name));
                let common_b = b.iter().filter(|f| a.iter().any(|g| g.name == f.name));
                if !common_a.map(|f| &f.name).eq(common_b.map(|f| &f.name)) {
                    self.changes.push(Change::FieldsReordered {
                        path: path.to_string(),
                    });
                }
            }
            _ => self.changes.push(Change::TypeChanged {
                path: path.to_string(),
                from: format!("{fname} with {}", shape(file)),
                to: format!("{pname} with {}", shape(program)),
            }),
        }
    }

    fn variants(&mut self, path: &str, file: &'a [super::Variant], program: &'a [super::Variant]) {
        for variant in file {
            match program.iter().find(|other| other.name == variant.name) {
                Some(other) => {
                    let here = format!("{path}::{}", variant.name);
                    self.fields(&here, &variant.fields, &other.fields, &here, &here);
                }
                None => self.changes.push(Change::VariantRemoved {
                    path: path.to_string(),
                    variant: variant.name.clone(),
                }),
            }
        }
        for variant in program {
            if !file.iter().any(|other| other.name == variant.name) {
                self.changes.push(Change::VariantAdded {
                    path: path.to_string(),
                    variant: variant.name.clone(),
                });
            }
        }
        let common_a = file
            .iter()
            .filter(|v| program.iter().any(|w| w.name == v.name));
        let common_b = program
            .iter()
            .filter(|v| file.iter().any(|w| w.name == v.name));
        if !common_a.map(|v| &v.name).eq(common_b.map(|v| &v.name)) {
            self.changes.push(Change::VariantsReordered {
                path: path.to_string(),
            });
        }
    }

    fn type_changed(&mut self, path: &str, file: &str, program: &str) {
        self.changes.push(Change::TypeChanged {
            path: display_path(path),
            from: file.to_string(),
            to: program.to_string(),
        });
    }
}

/// How the record markers of a pair of definitions relate.
enum Records {
    Same,
    Upgraded,
    Different,
}

/// What a field list looks like, for messages.
fn shape(fields: &Fields) -> String {
    match fields {
        Fields::Unit => "no fields".into(),
        Fields::Newtype(_) => "one unnamed field".into(),
        Fields::Tuple(nodes) => format!("{} unnamed fields", nodes.len()),
        Fields::Named(fields) => format!("{} named fields", fields.len()),
    }
}

/// Whether every value of `from` is a value of `to`, read the same way.
fn widening(from: &Node, to: &Node) -> bool {
    use Node::*;
    // Ranks within each family; usize and isize are stored as 64 bits.
    let unsigned = |n: &Node| match n {
        U8 => Some(8),
        U16 => Some(16),
        U32 => Some(32),
        U64 | Usize => Some(64),
        U128 => Some(128),
        _ => None,
    };
    let signed = |n: &Node| match n {
        I8 => Some(8),
        I16 => Some(16),
        I32 => Some(32),
        I64 | Isize => Some(64),
        I128 => Some(128),
        _ => None,
    };
    match (from, to) {
        (F32, F64) => true,
        _ => match (unsigned(from), unsigned(to), signed(from), signed(to)) {
            (Some(a), Some(b), _, _) => a <= b,
            (_, _, Some(a), Some(b)) => a <= b,
            // An unsigned number fits a strictly wider signed one.
            (Some(a), None, None, Some(b)) => a < b,
            _ => false,
        },
    }
}

fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else if step.starts_with('[') || step.starts_with('{') {
        format!("{path}{step}")
    } else {
        format!("{path}.{step}")
    }
}

fn display_path(path: &str) -> String {
    if path.is_empty() {
        "(root)".to_string()
    } else {
        path.to_string()
    }
}

fn index(definitions: &[Definition]) -> HashMap<&str, &Definition> {
    let mut by_name = HashMap::with_capacity(definitions.len());
    for definition in definitions {
        by_name
            .entry(definition.name.as_str())
            .or_insert(definition);
    }
    by_name
}
