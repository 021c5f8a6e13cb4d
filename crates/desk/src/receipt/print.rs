//! Printing (next).
