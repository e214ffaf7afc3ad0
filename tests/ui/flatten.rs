use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Audit {
    created_by: String,
}

#[derive(Serialize, Deserialize, Schema)]
struct Document {
    title: String,
    #[serde(flatten)]
    audit: Audit,
}

fn main() {}
