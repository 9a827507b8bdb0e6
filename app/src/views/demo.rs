//! What the demo mailbox shows.

use serde::{Deserialize, Serialize};

/// One message as the demo mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxItem {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Handed to the mail relay (otherwise still waiting in the outbox).
    pub delivered: bool,
}

/// What `/demo/mailbox` shows: the newest emails first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxView {
    pub messages: Vec<MailboxItem>,
}

/// What `/demo` shows that changes: the demo staff's authenticator secret and its code now
/// (the helper that lets the staff area be tried without a phone; demo mode only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoView {
    /// The secret in groups of four, to add to a real authenticator app.
    pub staff_secret: String,
    /// The six-digit code at the time the page was made.
    pub staff_code: String,
    /// Seconds until that code changes.
    pub seconds_left: u64,
}
