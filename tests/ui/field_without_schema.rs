// A field whose type has no `Schema`: the error says how to get one.
struct Foreign;

#[derive(persist::Schema)]
struct Run {
    id: Foreign,
}

fn main() {}
