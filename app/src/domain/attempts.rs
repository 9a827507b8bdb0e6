//! The credential-attempt policy, as pure rules: what can be guessed at (a credential kind and
//! its typed key), how many attempts each kind allows, and who is attempting (a client key
//! that one household or one attacker cannot multiply by changing the last bits of an IPv6
//! address, or by writing an IPv4 address as IPv6). The server applies it (`server::throttle`);
//! the counters live in the database (`db::throttles`).

use std::net::{IpAddr, Ipv6Addr};

use super::{AccountId, AuditKind, NhsNumber, OdsCode, ReplacementReference, StaffUsername};

/// A limit: `max` attempts within `window_seconds`; the attempt that fails at the limit locks
/// the key for `lock_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimit {
    pub max: i64,
    pub window_seconds: i64,
    pub lock_seconds: i64,
}

/// Fifteen minutes, the window and the lock of every limit.
const QUARTER_HOUR: i64 = 15 * 60;

/// A day, the window and the lock of a daily cap.
const DAY: i64 = 24 * 60 * 60;

/// A cap on a credential's failures over a day, on top of its short limit: someone who waits
/// out each short lock still gets only `limit.max` guesses a day. Reaching it is audited as
/// `lockout`, with the practice and patient of the credential where known, so staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyCap {
    pub limit: AttemptLimit,
    pub lockout: AuditKind,
}

/// 30 failed attempts in 15 minutes from one client lock it for 15 minutes, whatever it tried.
pub const CLIENT_LIMIT: AttemptLimit = AttemptLimit {
    max: 30,
    window_seconds: QUARTER_HOUR,
    lock_seconds: QUARTER_HOUR,
};

/// Sign-ins with the staff identity provider one client may start in 15 minutes: each start
/// keeps a row for 10 minutes, so starts without end must not fill the database. A person
/// starts a few; more is a script.
pub const PROVIDER_STARTS_LIMIT: AttemptLimit = AttemptLimit {
    max: 30,
    window_seconds: QUARTER_HOUR,
    lock_seconds: QUARTER_HOUR,
};

/// The counter of a client's starts of a sign-in with the staff identity provider.
pub fn provider_starts_counter(client: &ClientKey) -> String {
    format!("provider-start:{}", client.as_str())
}

/// "Stay signed in" presses one client may make in 15 minutes. Each keeps only its own session
/// alive, and one press serves every tab; a person presses a few times an hour, a script more.
pub const KEEP_ALIVE_LIMIT: AttemptLimit = AttemptLimit {
    max: 60,
    window_seconds: QUARTER_HOUR,
    lock_seconds: QUARTER_HOUR,
};

/// The counter of a client's "Stay signed in" presses (patients' and staff's together).
pub fn keep_alive_counter(client: &ClientKey) -> String {
    format!("keep-alive:{}", client.as_str())
}

/// Failed sign-ins on one staff username from every client together that raise an alert to
/// administrators: never a lock, which anyone who knows the username could force on the member.
/// A member's own lock counts failures from one client only (`CredentialKey::staff_sign_in`).
pub const STAFF_ALERT: AttemptLimit = AttemptLimit {
    max: 20,
    window_seconds: QUARTER_HOUR,
    lock_seconds: 0,
};

/// What someone can guess at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// The one-time passphrase on a PIN document, for an Account ID at a practice.
    PinDocument,
    /// A patient's passphrase, for an Account ID at a practice.
    PatientSignIn,
    /// A staff member's password, for a username.
    StaffSignIn,
    /// A staff member's authenticator or recovery code, for a username (only someone with the
    /// password gets this far, so the lock is the member's, wherever they are).
    StaffSecondFactor,
    /// NHS number, date of birth and postcode, at the start of a replacement.
    IdentityCheck,
    /// A replacement's reference and date of birth, on the status page.
    StatusLookup,
    /// The new passphrase of a reset, for one step token: each submission is an attempt, so a
    /// step token cannot be used to make the server hash without end.
    NewPassphrase,
}

impl CredentialKind {
    /// Every kind, for rules about all counters (how long one is worth keeping).
    pub const ALL: [Self; 6] = [
        Self::PinDocument,
        Self::PatientSignIn,
        Self::StaffSignIn,
        Self::StaffSecondFactor,
        Self::IdentityCheck,
        Self::StatusLookup,
    ];

    /// How many attempts the kind allows. Each is 5 in 15 minutes today; they are separate so
    /// that one can change without the others.
    pub const fn limit(self) -> AttemptLimit {
        let five = AttemptLimit {
            max: 5,
            window_seconds: QUARTER_HOUR,
            lock_seconds: QUARTER_HOUR,
        };
        match self {
            Self::PinDocument
            | Self::PatientSignIn
            | Self::StaffSignIn
            | Self::StaffSecondFactor
            | Self::IdentityCheck
            | Self::StatusLookup
            | Self::NewPassphrase => five,
        }
    }

    /// The kind's daily cap, if it has one. The identity check of a replacement has: its three
    /// details (NHS number, date of birth, postcode) are less secret than a passphrase, and 5
    /// guesses every 15 minutes would be 480 a day. 10 failures in 24 hours lock the NHS number
    /// for 24 hours.
    pub const fn daily_cap(self) -> Option<DailyCap> {
        match self {
            Self::IdentityCheck => Some(DailyCap {
                limit: AttemptLimit {
                    max: 10,
                    window_seconds: DAY,
                    lock_seconds: DAY,
                },
                lockout: AuditKind::IdentityCheckDailyLockout,
            }),
            Self::PinDocument
            | Self::PatientSignIn
            | Self::StaffSignIn
            | Self::StaffSecondFactor
            | Self::StatusLookup
            | Self::NewPassphrase => None,
        }
    }

    /// The prefix of the kind's counters (kept as they were, so counters survive an upgrade).
    fn prefix(self) -> &'static str {
        match self {
            Self::PinDocument => "pin",
            Self::PatientSignIn => "signin",
            Self::StaffSignIn => "staff",
            Self::StaffSecondFactor => "staff2fa",
            Self::IdentityCheck => "identity",
            Self::StatusLookup => "reference",
            Self::NewPassphrase => "newpass",
        }
    }
}

/// The longest window of any limit (a credential kind's or the client's). A counter whose
/// window began longer ago than this, and which is not locked, counts nothing any more: the next
/// attempt starts a new window at 1, as if it were not there. So it can be deleted
/// (`db::retention`).
pub fn longest_window_seconds() -> i64 {
    CredentialKind::ALL
        .iter()
        .map(|kind| kind.limit().window_seconds)
        .fold(CLIENT_LIMIT.window_seconds, i64::max)
}

/// One credential's attempt counter. Built only from parsed domain values, so two spellings of
/// the same Account ID or NHS number share one counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialKey {
    kind: CredentialKind,
    key: String,
}

impl CredentialKey {
    fn new(kind: CredentialKind, value: impl std::fmt::Display) -> Self {
        Self {
            kind,
            key: format!("{}:{value}", kind.prefix()),
        }
    }

    /// A PIN document, by Account ID and practice.
    pub fn pin_document(ods: &OdsCode, account_id: &AccountId) -> Self {
        Self::new(CredentialKind::PinDocument, format!("{ods}:{account_id}"))
    }

    /// A patient's passphrase, by Account ID and practice.
    pub fn patient_sign_in(ods: &OdsCode, account_id: &AccountId) -> Self {
        Self::new(CredentialKind::PatientSignIn, format!("{ods}:{account_id}"))
    }

    /// A staff member's password, by username *and client*: failures from one place lock that
    /// place out, not the member everywhere (see [`STAFF_ALERT`] for many places at once).
    pub fn staff_sign_in(username: &StaffUsername, client: &ClientKey) -> Self {
        Self::new(
            CredentialKind::StaffSignIn,
            format!("{username}@{}", client.as_str()),
        )
    }

    /// A staff member's second factor, by username.
    pub fn staff_second_factor(username: &StaffUsername) -> Self {
        Self::new(CredentialKind::StaffSecondFactor, username)
    }

    /// The counter of a staff username's failures from every client, for [`STAFF_ALERT`].
    pub fn staff_alert_counter(username: &StaffUsername) -> String {
        format!("staff-alert:{username}")
    }

    /// The identity check of a replacement, by the NHS number typed.
    pub fn identity_check(nhs_number: &NhsNumber) -> Self {
        Self::new(CredentialKind::IdentityCheck, nhs_number.digits())
    }

    /// The status lookup of a replacement, by its reference.
    pub fn status_lookup(reference: &ReplacementReference) -> Self {
        Self::new(CredentialKind::StatusLookup, reference)
    }

    /// The new-passphrase step of a reset, by its step token's digest (the SHA-256 the
    /// database keeps, never the token itself).
    pub fn new_passphrase(step_token_digest: &str) -> Self {
        Self::new(CredentialKind::NewPassphrase, step_token_digest)
    }

    /// The counter of the kind's daily cap, if it has one: the credential's own counter name
    /// under `daily:`, so it never meets a short counter or a client's.
    pub fn daily_counter(&self) -> Option<String> {
        self.kind.daily_cap().map(|_| format!("daily:{}", self.key))
    }

    pub fn kind(&self) -> CredentialKind {
        self.kind
    }

    /// The counter's name in the database.
    pub fn as_str(&self) -> &str {
        &self.key
    }
}

/// Who is attempting, as a counter's name: an IPv4 address as it is (also when it arrives as
/// an IPv4-mapped IPv6 address), and an IPv6 address by its /64 network, which is what one
/// household or server is given; anything unknown shares one counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKey(String);

impl ClientKey {
    /// The key of a client address.
    pub fn from_ip(ip: IpAddr) -> Self {
        let key = match canonical(ip) {
            IpAddr::V4(v4) => format!("client:{v4}"),
            IpAddr::V6(v6) => {
                let segments = v6.segments();
                let network = Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                );
                format!("client:{network}/64")
            }
        };
        Self(key)
    }

    /// The key of a client whose address is not known.
    pub fn unknown() -> Self {
        Self("client:unknown".to_owned())
    }

    /// The counter's name in the database.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as the IPv4 address it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// One entry of `X-Forwarded-For` (or of a `for=` in `Forwarded`): an address, with or without
/// a port, IPv6 with or without brackets (`1.2.3.4`, `1.2.3.4:5555`, `[2001:db8::1]:443`,
/// `2001:db8::1`, `"[::1]"`). Anything else is not an address.
pub fn parse_forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|port| port.parse::<u16>().is_ok());
        return port_ok
            .then(|| inside.parse::<Ipv6Addr>().ok())
            .flatten()
            .map(|v6| canonical(IpAddr::V6(v6)));
    }
    let (host, port) = entry.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_longest_window_covers_every_limit() {
        let longest = longest_window_seconds();
        assert_eq!(longest, 15 * 60);
        assert!(CLIENT_LIMIT.window_seconds <= longest);
        for kind in CredentialKind::ALL {
            assert!(kind.limit().window_seconds <= longest, "{kind:?}");
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_entries_with_ports_and_brackets_are_addresses() {
        for (entry, expected) in [
            ("1.2.3.4", "1.2.3.4"),
            ("1.2.3.4:5555", "1.2.3.4"),
            (" 1.2.3.4 ", "1.2.3.4"),
            ("[::ffff:1.2.3.4]", "1.2.3.4"),
            ("[::ffff:1.2.3.4]:80", "1.2.3.4"),
            ("::ffff:1.2.3.4", "1.2.3.4"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("\"[2001:db8::1]:443\"", "2001:db8::1"),
        ] {
            assert_eq!(
                parse_forwarded_address(entry),
                Some(ip(expected)),
                "{entry}"
            );
        }
        for entry in [
            "",
            "unknown",
            "1.2.3.4:",
            "1.2.3.4:99999",
            "[2001:db8::1",
            "[2001:db8::1]x",
            "[1.2.3.4]",
            "host:80",
        ] {
            assert_eq!(parse_forwarded_address(entry), None, "{entry}");
        }
    }

    #[test]
    fn one_client_is_one_key_however_its_address_is_written() {
        let v4 = ClientKey::from_ip(ip("1.2.3.4"));
        assert_eq!(v4, ClientKey::from_ip(ip("::ffff:1.2.3.4")));
        assert_eq!(
            v4,
            ClientKey::from_ip(parse_forwarded_address("[::ffff:1.2.3.4]").unwrap())
        );
        assert_eq!(
            v4,
            ClientKey::from_ip(parse_forwarded_address("1.2.3.4:5555").unwrap())
        );
        assert_ne!(v4, ClientKey::from_ip(ip("1.2.3.5")));
    }

    #[test]
    fn an_ipv6_network_of_64_bits_is_one_client() {
        let first = ClientKey::from_ip(ip("2001:db8::1"));
        for last in 1..=0x40u16 {
            let address = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, last));
            assert_eq!(ClientKey::from_ip(address), first);
        }
        assert_eq!(
            first,
            ClientKey::from_ip(ip("2001:db8::ffff:ffff:ffff:ffff"))
        );
        assert_ne!(first, ClientKey::from_ip(ip("2001:db8:0:1::1")));
        assert_eq!(first.as_str(), "client:2001:db8::/64");
    }

    #[test]
    fn credential_keys_name_their_kind_and_value() {
        let ods = OdsCode::parse("T00001").unwrap();
        let account = AccountId::parse("1000000001").unwrap();
        let pin = CredentialKey::pin_document(&ods, &account);
        assert_eq!(pin.as_str(), "pin:T00001:1000000001");
        assert_eq!(pin.kind(), CredentialKind::PinDocument);
        let sign_in = CredentialKey::patient_sign_in(&ods, &account);
        assert_ne!(pin, sign_in);
        assert_eq!(sign_in.as_str(), "signin:T00001:1000000001");
        let nhs = NhsNumber::parse("943 476 5919").unwrap();
        assert_eq!(
            CredentialKey::identity_check(&nhs).as_str(),
            "identity:9434765919"
        );
        let step = CredentialKey::new_passphrase("ab12");
        assert_eq!(step.as_str(), "newpass:ab12");
        assert_eq!(step.kind().limit().max, 5);
    }

    #[test]
    fn only_the_identity_check_has_a_daily_cap_of_ten_a_day_on_a_counter_of_its_own() {
        let cap = CredentialKind::IdentityCheck.daily_cap().unwrap();
        assert_eq!(
            cap.limit,
            AttemptLimit {
                max: 10,
                window_seconds: 86_400,
                lock_seconds: 86_400,
            }
        );
        assert_eq!(cap.lockout, AuditKind::IdentityCheckDailyLockout);
        let nhs = NhsNumber::parse("943 476 5919").unwrap();
        let key = CredentialKey::identity_check(&nhs);
        assert_eq!(
            key.daily_counter().as_deref(),
            Some("daily:identity:9434765919")
        );
        let ods = OdsCode::parse("T00001").unwrap();
        let account = AccountId::parse("1000000001").unwrap();
        for key in [
            CredentialKey::pin_document(&ods, &account),
            CredentialKey::patient_sign_in(&ods, &account),
            CredentialKey::staff_sign_in(
                &StaffUsername::parse("admin.riverside").unwrap(),
                &ClientKey::unknown(),
            ),
            CredentialKey::status_lookup(&ReplacementReference::parse("RPL-7K3D-9QX2").unwrap()),
        ] {
            assert_eq!(key.kind().daily_cap(), None, "{key:?}");
            assert_eq!(key.daily_counter(), None, "{key:?}");
        }
    }

    proptest! {
        #[test]
        fn no_text_makes_the_parser_panic(entry in ".{0,60}") {
            let _ = parse_forwarded_address(&entry);
        }

        #[test]
        fn every_ipv4_address_round_trips_with_a_port(a: u8, b: u8, c: u8, d: u8, port: u16) {
            let address = std::net::Ipv4Addr::new(a, b, c, d);
            prop_assert_eq!(
                parse_forwarded_address(&format!("{address}:{port}")),
                Some(IpAddr::V4(address))
            );
            prop_assert_eq!(
                parse_forwarded_address(&format!("[{}]", address.to_ipv6_mapped())),
                Some(IpAddr::V4(address))
            );
        }
    }
}
