//! The names the desk's settings and sealed secrets are stored under, in one
//! place: a misspelt key is a compile error, not a setting that never reads.

// Settings (plain text).
pub const API_BASE: &str = "api_base";
pub const PLATFORM_BASE: &str = "platform_base";
pub const HEALTHJIBE_BASE: &str = "healthjibe_base";
pub const CONSUMER_KEY: &str = "consumer_key";
pub const PRACTICE_TOKEN: &str = "practice_token";
pub const ORGANIZATION: &str = "organization";
pub const CLOCK_OFFSET: &str = "clock_offset";
/// This installation's random ID: part of every idempotency key.
pub const INSTALL_ID: &str = "install_id";
/// `gateway` or `sandbox`.
pub const MODE: &str = "mode";
pub const WATCH_FOLDER: &str = "watch_folder";
/// Files of the watched folder already reported as left in it (one a line).
pub const WATCH_SKIPPED: &str = "watch_skipped";
pub const PRINTER: &str = "printer";
/// `yes` or `no`: whether the gateway last said it reserves codes (v1.2).
pub const GATEWAY_RESERVES: &str = "gateway_reserves";
pub const RECEIPT_FORMAT: &str = "receipt_format";
/// The barcode codes get unless the staff choose: `qr` (default) or `tag`.
pub const BARCODE: &str = "barcode";
/// SMART Health Links on receipts: `off` (default), `on` or `passcode`.
pub const SHL: &str = "shl";
pub const CLINIC_NAME: &str = "clinic_name";
pub const CLINIC_ADDRESS: &str = "clinic_address";
pub const CLINIC_PHONE: &str = "clinic_phone";
pub const CLINIC_LOGO: &str = "clinic_logo";
/// The language receipts and emails are in when the patient has none (BCP 47).
pub const CLINIC_LANGUAGE: &str = "clinic_language";
/// The staff app's own language.
pub const APP_LANGUAGE: &str = "app_language";
pub const SMTP_HOST: &str = "smtp_host";
pub const SMTP_PORT: &str = "smtp_port";
pub const SMTP_SECURITY: &str = "smtp_security";
pub const SMTP_USER: &str = "smtp_user";
pub const SMTP_FROM: &str = "smtp_from";
pub const SMTP_CA_FILE: &str = "smtp_ca_file";

// Sealed secrets (desk.key).
pub const CONSUMER_SECRET: &str = "consumer_secret";
pub const PRACTICE_TOKEN_SECRET: &str = "practice_token_secret";
pub const SMTP_PASSWORD: &str = "smtp_password";
