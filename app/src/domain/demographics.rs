//! The demographic fields a GP record and the NHS Spine (PDS) both hold, and who puts each
//! right when the two disagree.

use serde::{Deserialize, Serialize};
use time::Date;

/// A field both sources hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemographicField {
    GivenName,
    FamilyName,
    DateOfBirth,
    Address,
    Postcode,
}

/// Who corrects a field when the sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FixedBy {
    /// The practice, in its clinical system (it holds the address).
    Practice,
    /// PDS holds the national record: check with the patient, then update it.
    Pds,
}

impl DemographicField {
    /// Who puts this field right.
    pub fn fixed_by(self) -> FixedBy {
        match self {
            Self::Address | Self::Postcode => FixedBy::Practice,
            Self::GivenName | Self::FamilyName | Self::DateOfBirth => FixedBy::Pds,
        }
    }
}

/// A value as one source holds it: text, or a date (which a page writes in its language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recorded {
    Text(String),
    Date(Date),
}

impl Recorded {
    /// Whether two sources agree: text compared without surrounding spaces.
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a.trim() == b.trim(),
            (a, b) => a == b,
        }
    }
}

/// How much of a record PDS lets be seen: its `meta.security` confidentiality label.
///
/// For restricted and very restricted records PDS removes the address, telecom and GP, because
/// the patient's whereabouts must not be revealed; Relink then stores and shows no address for
/// the patient from any source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confidentiality {
    /// `U`: unrestricted.
    Unrestricted,
    /// `R`: restricted.
    Restricted,
    /// `V`: very restricted.
    VeryRestricted,
}

impl Confidentiality {
    /// The label's code, as PDS sends it and the database stores it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unrestricted => "U",
            Self::Restricted => "R",
            Self::VeryRestricted => "V",
        }
    }

    /// The label for a code; `None` for any other text.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "U" => Some(Self::Unrestricted),
            "R" => Some(Self::Restricted),
            "V" => Some(Self::VeryRestricted),
            _ => None,
        }
    }

    /// Whether the patient's whereabouts must be kept from everyone (no address anywhere).
    pub fn hides_whereabouts(self) -> bool {
        !matches!(self, Self::Unrestricted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_practice_fixes_addresses_and_pds_the_rest() {
        assert_eq!(DemographicField::Postcode.fixed_by(), FixedBy::Practice);
        assert_eq!(DemographicField::Address.fixed_by(), FixedBy::Practice);
        assert_eq!(DemographicField::FamilyName.fixed_by(), FixedBy::Pds);
        assert_eq!(DemographicField::DateOfBirth.fixed_by(), FixedBy::Pds);
    }

    #[test]
    fn spaces_around_text_are_not_a_difference() {
        let a = Recorded::Text(" RV6 7LM".into());
        assert!(a.same_as(&Recorded::Text("RV6 7LM ".into())));
        assert!(!a.same_as(&Recorded::Text("RV6 7LN".into())));
    }
}
