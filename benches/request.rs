//! Placeholder: this bench group is being written.

fn main() {}
