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
