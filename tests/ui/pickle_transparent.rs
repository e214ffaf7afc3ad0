use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[serde(transparent)]
struct Meters(f64);

fn main() {}
