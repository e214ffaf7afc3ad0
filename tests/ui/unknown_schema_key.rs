use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
struct Reading {
    #[schema(type = f32)]
    celsius: f32,
}

fn main() {}
