use persist::Pickleable;
use serde::{Deserialize, Serialize};

// Three problems, all reported: the type's own id, an id that is not a file
// name, and a repeated alias.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Account"]
#[pickle(aliases = ["Account", "clients/old", "Client", "Client"])]
struct Account {
    id: u64,
}

fn main() {}
