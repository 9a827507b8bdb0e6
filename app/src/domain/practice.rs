use serde::{Deserialize, Serialize};

/// The clinical system a practice runs. It decides who resets a patient's credentials: TPP
/// patients reset their own passphrase; for EMIS the practice resets the linkage key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClinicalSystem {
    Tpp,
    Emis,
}

impl ClinicalSystem {
    /// The value stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Tpp => "TPP",
            Self::Emis => "EMIS",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "TPP" => Some(Self::Tpp),
            "EMIS" => Some(Self::Emis),
            _ => None,
        }
    }

    /// The name patients and staff know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Tpp => "TPP SystmOne",
            Self::Emis => "EMIS Web (Optum)",
        }
    }
}

/// Why a patient's online access ended. Each reason has its own next step, so every page that
/// refuses an ended account says which one applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessEnd {
    /// PDS records the patient as deceased.
    Deceased,
    /// The practice deregistered the patient: they left the practice.
    LeftPractice,
    /// The practice moved to another clinical system: the Account ID and PIN documents it
    /// printed before no longer work.
    SystemChanged,
}

impl AccessEnd {
    /// The value stored on an ended account (a death is PDS's fact, never stored there).
    pub fn stored_code(self) -> Option<&'static str> {
        match self {
            Self::Deceased => None,
            Self::LeftPractice => Some("left_practice"),
            Self::SystemChanged => Some("system_changed"),
        }
    }

    /// The reason stored on an ended account.
    pub fn from_stored_code(code: &str) -> Option<Self> {
        match code {
            "left_practice" => Some(Self::LeftPractice),
            "system_changed" => Some(Self::SystemChanged),
            _ => None,
        }
    }
}

/// How much of the GP health record a patient can see online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordAccessLevel {
    None,
    Summary,
    DetailedCoded,
    Full,
}

impl RecordAccessLevel {
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Summary => "summary",
            Self::DetailedCoded => "dcr",
            Self::Full => "full",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "none" => Some(Self::None),
            "summary" => Some(Self::Summary),
            "dcr" => Some(Self::DetailedCoded),
            "full" => Some(Self::Full),
            _ => None,
        }
    }
}

/// Which date the online record is visible from, as the guidance lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisibleFromRule {
    PracticeSetDate,
    JoinedPractice,
    RequestedAccess,
}

impl VisibleFromRule {
    pub fn code(self) -> &'static str {
        match self {
            Self::PracticeSetDate => "practice_set",
            Self::JoinedPractice => "joined",
            Self::RequestedAccess => "requested",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "practice_set" => Some(Self::PracticeSetDate),
            "joined" => Some(Self::JoinedPractice),
            "requested" => Some(Self::RequestedAccess),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in [ClinicalSystem::Tpp, ClinicalSystem::Emis] {
            assert_eq!(ClinicalSystem::from_code(s.code()), Some(s));
        }
        for l in [
            RecordAccessLevel::None,
            RecordAccessLevel::Summary,
            RecordAccessLevel::DetailedCoded,
            RecordAccessLevel::Full,
        ] {
            assert_eq!(RecordAccessLevel::from_code(l.code()), Some(l));
        }
        for r in [
            VisibleFromRule::PracticeSetDate,
            VisibleFromRule::JoinedPractice,
            VisibleFromRule::RequestedAccess,
        ] {
            assert_eq!(VisibleFromRule::from_code(r.code()), Some(r));
        }
        assert_eq!(ClinicalSystem::from_code("Vision"), None);
        for end in [AccessEnd::LeftPractice, AccessEnd::SystemChanged] {
            let code = end.stored_code().unwrap();
            assert_eq!(AccessEnd::from_stored_code(code), Some(end));
        }
        assert_eq!(AccessEnd::Deceased.stored_code(), None);
        assert_eq!(AccessEnd::from_stored_code("deceased"), None);
    }
}
