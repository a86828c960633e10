//! Kontor's tidy checks (the tests are in `tests/tidy.rs`); this library is empty on purpose.
