//! Audit append benchmark (written below).
fn main() {}
