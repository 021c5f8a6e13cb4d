//! What people read, in their language. One Fluent catalog per language
//! (`locales/*.ftl`), shared by the desk core, the app and the gateway; dates,
//! times and amounts written the way each language writes them.
//!
//! A message missing from a catalog falls back to English; the tests check that
//! every catalog has every message English has (the staff app's `app-` ones in
//! the app's languages only).

mod catalog;
mod format;
mod language;
mod record_words;
mod units;

pub use catalog::{ids, messages_with_prefix, text, text_with};
pub use format::{amount, date, date_in, date_time, date_time_in, visit_date};
pub use jiff::tz::TimeZone;
pub use language::{direction_of, Language, UnknownLanguage};
pub use record_words::{
    ccr_in_words, her_in_words, omhe_in_words, section_title, sex, Fact, HerWords, ItemWords,
    MeasurementWords, RecordWords, SectionWords,
};
pub use units::{measure, number, unit};
