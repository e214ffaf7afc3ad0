//! Where persist's own time goes: the pieces of work a save or a load does that
//! the bare baseline does not, each timed alone on the same dataset.

use std::time::Duration;

use persist::schema::Description;
use persist::{Compression, SaveOptions};

use crate::baseline;
use crate::data::Data;
use crate::measure::{medians, timed, Op, Plan};

/// The pieces' median times.
#[derive(Clone, Copy, Debug)]
pub struct Parts {
    /// `Description::of::<T>()`, its canonical bytes and their fingerprint: what a
    /// save builds for the header and a load builds to compare with the file's.
    pub schema: Duration,
    /// `inspect_bytes`: reading and verifying a header and decoding its schema.
    pub header: Duration,
    /// xxh3 over the stored payload: a save and a load each hash it once.
    pub checksum: Duration,
}

/// Times the pieces for `value` stored with `codec`.
pub fn measure<T: Data>(value: &T, codec: Compression, plan: &Plan) -> Parts {
    let file = persist::to_bytes_with(value, &SaveOptions::new().compression(codec))
        .expect("persist encodes");
    let stored = baseline::compress(postcard::to_stdvec(value).expect("postcard"), codec);
    let mut ops: Vec<Op<'_>> = vec![
        Box::new(|| {
            timed(|| {
                let description = Description::of::<T>();
                (description.to_canonical_bytes(), description.fingerprint())
            })
            .0
        }),
        Box::new(|| timed(|| persist::inspect_bytes(&file).expect("a valid header")).0),
        Box::new(|| timed(|| twox_hash::XxHash3_64::oneshot(&stored)).0),
    ];
    let times = medians(&mut ops, plan);
    Parts {
        schema: times[0],
        header: times[1],
        checksum: times[2],
    }
}
