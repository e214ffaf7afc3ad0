use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
struct Reading {
    #[schema(as = f32)]
    #[schema(as = f64)]
    celsius: f32,
}

fn main() {}
