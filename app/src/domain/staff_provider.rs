//! Staff who sign in with an OpenID Connect provider (NHS Care Identity Service 2): how strong
//! their sign-in was (the `acr` claim) and what Relink lets them do, from the national RBAC roles
//! the provider says they hold. Pure rules: the server reads the claims, these decide.

use std::fmt;

use super::{OdsCode, StaffUsername};

/// An authenticator assurance level (NIST SP 800-63B, which CIS2 uses): how sure the provider
/// is that the person at the keyboard is the person signed in. Ordered: `Aal3` is the strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssuranceLevel {
    /// One factor (a password).
    Aal1,
    /// Two factors (Windows Hello, an authenticator app, the iPad authenticator).
    Aal2,
    /// A hardware-backed factor (a smartcard, a security key).
    Aal3,
}

impl AssuranceLevel {
    /// The level an `acr` value (or an `acr_values` request) stands for: the level named first,
    /// which is the least it promises. CIS2's values are `AAL1_USERPASS`, `AAL2_OR_AAL3_ANY`
    /// ("AAL2 or better": AAL2) and `AAL3_ANY`; the first `AALn` followed by nothing or `_`
    /// gives the level. Anything else (no `AAL` level at the start, a level that is not 1 to 3)
    /// is no level at all, so it never passes a minimum.
    pub fn from_acr(acr: &str) -> Option<Self> {
        let rest = acr.strip_prefix("AAL")?;
        let (digit, after) = rest.split_at_checked(1)?;
        if !(after.is_empty() || after.starts_with('_')) {
            return None;
        }
        match digit {
            "1" => Some(Self::Aal1),
            "2" => Some(Self::Aal2),
            "3" => Some(Self::Aal3),
            _ => None,
        }
    }

    /// Whether a sign-in whose ID token says `acr` is at least this level. No `acr`, or one
    /// that names no level, is not.
    pub fn is_met_by(self, acr: Option<&str>) -> bool {
        acr.and_then(Self::from_acr)
            .is_some_and(|level| level >= self)
    }
}

impl fmt::Display for AssuranceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Aal1 => "AAL1",
            Self::Aal2 => "AAL2",
            Self::Aal3 => "AAL3",
        })
    }
}

/// The `acr_values` a Relink minimum is asked for with, and what it requires of the answer:
/// the setting as written (sent to the provider) and the level it stands for (checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumAssurance {
    acr_values: String,
    level: AssuranceLevel,
}

/// An `acr_values` setting that names no assurance level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} names no assurance level: use an acr value such as AAL2_OR_AAL3_ANY or AAL3_ANY")]
pub struct MinimumAssuranceError(String);

impl MinimumAssurance {
    /// CIS2's recommendation: AAL2 or above.
    pub const DEFAULT_ACR_VALUES: &'static str = "AAL2_OR_AAL3_ANY";

    /// A minimum from an acr value such as `AAL2_OR_AAL3_ANY` (see
    /// [`AssuranceLevel::from_acr`]). AAL1 is refused: a password alone is not enough for the
    /// staff area, whatever the provider allows.
    pub fn parse(acr_values: &str) -> Result<Self, MinimumAssuranceError> {
        let acr_values = acr_values.trim();
        match AssuranceLevel::from_acr(acr_values) {
            Some(level) if level >= AssuranceLevel::Aal2 => Ok(Self {
                acr_values: acr_values.to_owned(),
                level,
            }),
            _ => Err(MinimumAssuranceError(acr_values.to_owned())),
        }
    }

    /// What the authorisation request's `acr_values` says.
    pub fn acr_values(&self) -> &str {
        &self.acr_values
    }

    /// The least level a sign-in must reach.
    pub fn level(&self) -> AssuranceLevel {
        self.level
    }
}

impl Default for MinimumAssurance {
    fn default() -> Self {
        Self::parse(Self::DEFAULT_ACR_VALUES).expect("the default names AAL2")
    }
}

/// One national RBAC role a person holds, as the provider's `nhsid_nrbac_roles` claim lists it
/// (only what Relink reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RbacRole {
    /// The organisation's ODS code (`org_code`).
    pub org_code: String,
    /// The job role code (`role_code`), e.g. `S8000:G8000:R8001`.
    pub role_code: String,
}

impl RbacRole {
    /// Whether this role is the configured one: its whole code, or its last part (the job role
    /// itself, `R8008` in `S8001:G8005:R8008`).
    fn has_code(&self, wanted: &str) -> bool {
        self.role_code == wanted || self.role_code.rsplit(':').next() == Some(wanted)
    }
}

/// What a person who signed in with the provider may do in Relink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAccess {
    /// The Relink practices they hold a role at, in ODS code order.
    pub practices: Vec<OdsCode>,
    /// They hold the administrators' role code at one of those practices.
    pub is_admin: bool,
}

/// The access the roles give at Relink's practices (`relink_practices`): every practice whose
/// ODS code is the organisation of one of the roles; an administrator when one of those roles
/// (at a Relink practice, not elsewhere) has `admin_role_code`. `None` when no role is at a
/// Relink practice: the person is refused.
pub fn access_from_roles(
    roles: &[RbacRole],
    relink_practices: &[OdsCode],
    admin_role_code: Option<&str>,
) -> Option<ProviderAccess> {
    let mut practices = Vec::new();
    let mut is_admin = false;
    for role in roles {
        let Some(ods) = relink_practices
            .iter()
            .find(|ods| ods.as_str().eq_ignore_ascii_case(role.org_code.trim()))
        else {
            continue;
        };
        if !practices.contains(ods) {
            practices.push(ods.clone());
        }
        is_admin |= admin_role_code.is_some_and(|code| role.has_code(code));
    }
    if practices.is_empty() {
        return None;
    }
    practices.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    Some(ProviderAccess {
        practices,
        is_admin,
    })
}

/// The Relink username of a person the provider knows by `nhsid_useruid` (their CIS2 user id,
/// 12 digits): `cis2.` and the id, so it never meets a local username chosen by `relink staff
/// add` unless someone picks that very name (then the provider path refuses, see
/// `db::staff::sign_in_with_provider`). `None` for an id that cannot make a username.
pub fn username_for(user_uid: &str) -> Option<StaffUsername> {
    let uid = user_uid.trim();
    if uid.is_empty() || !uid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    StaffUsername::parse(&format!("cis2.{uid}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acr_value_stands_for_the_level_it_names_first() {
        use AssuranceLevel::*;
        for (acr, level) in [
            ("AAL1_USERPASS", Some(Aal1)),
            ("AAL2_OR_AAL3_ANY", Some(Aal2)),
            ("AAL2", Some(Aal2)),
            ("AAL3_ANY", Some(Aal3)),
            ("AAL4_ANY", None),
            ("AAL0", None),
            ("AAL22_ANY", None),
            ("aal3_any", None),
            ("urn:mace:incommon:iap:silver", None),
            ("", None),
            ("AAL", None),
        ] {
            assert_eq!(AssuranceLevel::from_acr(acr), level, "{acr}");
        }
    }

    #[test]
    fn a_minimum_of_aal2_is_met_by_aal2_and_aal3_only() {
        let minimum = MinimumAssurance::default();
        assert_eq!(minimum.level(), AssuranceLevel::Aal2);
        assert_eq!(minimum.acr_values(), "AAL2_OR_AAL3_ANY");
        let level = minimum.level();
        assert!(level.is_met_by(Some("AAL2_OR_AAL3_ANY")));
        assert!(level.is_met_by(Some("AAL3_ANY")));
        assert!(!level.is_met_by(Some("AAL1_USERPASS")));
        assert!(!level.is_met_by(Some("something-else")));
        assert!(!level.is_met_by(None));
        let aal3 = MinimumAssurance::parse(" AAL3_ANY ").unwrap();
        assert!(!aal3.level().is_met_by(Some("AAL2_OR_AAL3_ANY")));
        assert!(aal3.level().is_met_by(Some("AAL3_ANY")));
    }

    #[test]
    fn a_minimum_below_aal2_or_naming_no_level_is_refused() {
        for bad in ["AAL1_USERPASS", "", "strong", "AAL9"] {
            assert!(MinimumAssurance::parse(bad).is_err(), "{bad}");
        }
    }

    fn role(org: &str, code: &str) -> RbacRole {
        RbacRole {
            org_code: org.into(),
            role_code: code.into(),
        }
    }

    fn ods(codes: &[&str]) -> Vec<OdsCode> {
        codes.iter().map(|c| OdsCode::parse(c).unwrap()).collect()
    }

    #[test]
    fn roles_at_relink_practices_give_those_practices() {
        let relink = ods(&["T00001", "E00001", "W00001"]);
        let roles = [
            role("E00001", "S8000:G8000:R8001"),
            role("RX1", "S8000:G8000:R8000"),
            role("t00001", "S8000:G8000:R8001"),
            role("E00001", "S8000:G8000:R8000"),
        ];
        assert_eq!(
            access_from_roles(&roles, &relink, Some("R8008")),
            Some(ProviderAccess {
                practices: ods(&["E00001", "T00001"]),
                is_admin: false
            })
        );
    }

    #[test]
    fn the_admin_role_code_at_a_relink_practice_makes_an_administrator() {
        let relink = ods(&["T00001"]);
        let manager = [role("T00001", "S8001:G8005:R8008")];
        assert!(
            access_from_roles(&manager, &relink, Some("R8008"))
                .unwrap()
                .is_admin
        );
        assert!(
            access_from_roles(&manager, &relink, Some("S8001:G8005:R8008"))
                .unwrap()
                .is_admin
        );
        assert!(
            !access_from_roles(&manager, &relink, Some("G8005"))
                .unwrap()
                .is_admin
        );
        assert!(!access_from_roles(&manager, &relink, None).unwrap().is_admin);
        // The admin role somewhere else does not count.
        let elsewhere = [role("X26", "S8001:G8005:R8008"), role("T00001", "R8001")];
        assert!(
            !access_from_roles(&elsewhere, &relink, Some("R8008"))
                .unwrap()
                .is_admin
        );
    }

    #[test]
    fn no_role_at_a_relink_practice_is_no_access() {
        let relink = ods(&["T00001"]);
        assert_eq!(access_from_roles(&[], &relink, None), None);
        assert_eq!(
            access_from_roles(&[role("X26", "S8001:G8005:R8008")], &relink, Some("R8008")),
            None
        );
    }

    #[test]
    fn the_username_comes_from_the_cis2_user_id() {
        assert_eq!(
            username_for("555000000001").unwrap().as_str(),
            "cis2.555000000001"
        );
        for bad in ["", "  ", "555 0001", "a/b", "x".repeat(80).as_str()] {
            assert_eq!(username_for(bad), None, "{bad:?}");
        }
    }
}
