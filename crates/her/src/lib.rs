//! Health Encounter Records.
