//! Delivers the outbox: a background task claims due messages and sends them over SMTP (lettre),
//! or, in demo mode without SMTP, files them in the demo mailbox (`/demo/mailbox`). Failures
//! are retried with back-off; a claim lease keeps two instances from sending the same message.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::db::outbox::{self, OutboxMessage};
use crate::db::Db;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_SECONDS: i64 = 60;
/// How often the worker looks for due messages when nobody wakes it.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Where messages go.
#[derive(Clone)]
pub enum Delivery {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Demo mode without SMTP: marked delivered, to be read at `/demo/mailbox`.
    DemoMailbox,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { from, .. } => write!(f, "Smtp(from {from})"),
            Self::DemoMailbox => f.write_str("DemoMailbox"),
        }
    }
}

/// Why the mail settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("SMTP_URL is not valid (expected smtp://host:port or smtps://user:pass@host): {0}")]
    BadUrl(String),
    #[error("MAIL_FROM is not a valid address: {0}")]
    BadFrom(String),
}

impl Delivery {
    /// SMTP when a URL is given; the demo mailbox in demo mode; otherwise nothing is delivered
    /// (messages wait in the outbox and a warning is logged).
    pub fn from_config(
        smtp_url: Option<&str>,
        mail_from: &str,
        demo: bool,
    ) -> Result<Option<Self>, MailConfigError> {
        let from: Mailbox = mail_from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailConfigError::BadFrom(e.to_string()))?;
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailConfigError::BadUrl(e.to_string()))?
                    .timeout(Some(Duration::from_secs(10)))
                    .build();
                Ok(Some(Self::Smtp {
                    transport: Box::new(transport),
                    from,
                }))
            }
            None if demo => Ok(Some(Self::DemoMailbox)),
            None => Ok(None),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Smtp { .. } => "smtp",
            Self::DemoMailbox => "demo-mailbox",
        }
    }

    async fn deliver(&self, message: &OutboxMessage) -> Result<(), String> {
        match self {
            Self::DemoMailbox => Ok(()),
            Self::Smtp { transport, from } => {
                let to: Mailbox = message
                    .recipient
                    .parse()
                    .map_err(|e: lettre::address::AddressError| e.to_string())?;
                // A Message-ID fixed by the outbox row: if a crash comes between the SMTP
                // server accepting a message and the row being marked sent, the retry carries
                // the same ID, so the repeat can be recognised (and is, by scripts/reliability).
                let message_id = format!(
                    "<outbox-{}-{}@{}>",
                    message.id,
                    message.created_at,
                    from.email.domain()
                );
                let email = Message::builder()
                    .message_id(Some(message_id))
                    .from(from.clone())
                    .to(to)
                    .subject(&message.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(message.body.clone())
                    .map_err(|e| e.to_string())?;
                transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    }
}

fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Runs until the process ends: delivers due messages, then waits to be woken or for the poll.
pub fn spawn_worker(db: Db, delivery: Delivery, wake: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            let delivered_some = match deliver_due(&db, &delivery).await {
                Ok(count) => count > 0,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the outbox");
                    false
                }
            };
            if !delivered_some {
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                }
            }
        }
    });
}

/// One pass: claims a batch and delivers each message. Returns how many were claimed.
pub async fn deliver_due(db: &Db, delivery: &Delivery) -> Result<usize, crate::db::DbError> {
    let batch = outbox::claim_due(db, unix_now(), LEASE_SECONDS, 10).await?;
    for message in &batch {
        match delivery.deliver(message).await {
            Ok(()) => {
                outbox::mark_sent(db.pool(), message.id, delivery.name(), unix_now()).await?;
                tracing::info!(id = message.id, purpose = %message.purpose, via = delivery.name(), "email delivered");
            }
            Err(error) => {
                let retry_at = unix_now() + outbox::retry_delay_seconds(message.attempts);
                tracing::warn!(id = message.id, attempts = message.attempts, %error, "email not delivered; will retry");
                outbox::mark_failed(db.pool(), message.id, &error, retry_at).await?;
            }
        }
    }
    Ok(batch.len())
}
