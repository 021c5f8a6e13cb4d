//! Email (next).
