//! What a patient can see online: the GP record from which date, and which services.
//!
//! Pure rules, so the patient's `/account` page and the staff preview of a test patient show
//! exactly the same thing for the same data.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{RecordAccessLevel, VisibleFromRule};

/// The dates the visible-from rule can pick from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordDates {
    /// The date set in the clinical system, if the practice set one.
    pub practice_set: Option<Date>,
    pub joined_practice: Date,
    pub requested_access: Option<Date>,
}

/// What the patient is told about their GP health record online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordVisibility {
    /// Nothing is shown online: the practice has not switched on record access.
    NotSwitchedOn,
    /// Only the summary (allergies, medicines) is shown, not the detailed record.
    SummaryOnly,
    /// The record is shown from `from`, for the reason in `because`.
    Visible {
        level: RecordAccessLevel,
        from: Date,
        because: VisibleFromRule,
    },
    /// The rule needs a date the practice has not recorded: the practice must fix it.
    DateMissing {
        level: RecordAccessLevel,
        rule: VisibleFromRule,
    },
}

/// Decides what record the patient sees. Records from before the patient joined are not
/// held by this practice, so no rule makes the record visible from before the joining date.
pub fn record_visibility(
    level: RecordAccessLevel,
    rule: VisibleFromRule,
    dates: RecordDates,
) -> RecordVisibility {
    match level {
        RecordAccessLevel::None => return RecordVisibility::NotSwitchedOn,
        RecordAccessLevel::Summary => return RecordVisibility::SummaryOnly,
        RecordAccessLevel::DetailedCoded | RecordAccessLevel::Full => {}
    }
    let chosen = match rule {
        VisibleFromRule::PracticeSetDate => dates.practice_set,
        VisibleFromRule::JoinedPractice => Some(dates.joined_practice),
        VisibleFromRule::RequestedAccess => dates.requested_access,
    };
    match chosen {
        Some(date) => RecordVisibility::Visible {
            level,
            from: date.max(dates.joined_practice),
            because: rule,
        },
        None => RecordVisibility::DateMissing { level, rule },
    }
}

impl VisibleFromRule {
    /// The sentence that tells the patient which date applies.
    pub fn patient_sentence(self) -> &'static str {
        match self {
            Self::PracticeSetDate => "the date your practice set",
            Self::JoinedPractice => "the date you joined the practice",
            Self::RequestedAccess => "the date you asked for online access",
        }
    }
}

/// The four online services, in the order patients see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OnlineService {
    Appointments,
    RepeatPrescriptions,
    HealthRecord,
    Messages,
}

impl OnlineService {
    pub const ALL: [Self; 4] = [
        Self::Appointments,
        Self::RepeatPrescriptions,
        Self::HealthRecord,
        Self::Messages,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Appointments => "Appointments",
            Self::RepeatPrescriptions => "Repeat prescriptions",
            Self::HealthRecord => "GP health record",
            Self::Messages => "Messages",
        }
    }

    /// The value a form posts for the service (the staff area's checkboxes).
    pub fn form_value(self) -> &'static str {
        match self {
            Self::Appointments => "appointments",
            Self::RepeatPrescriptions => "prescriptions",
            Self::HealthRecord => "record",
            Self::Messages => "messages",
        }
    }

    /// The service a posted value names, if it is one.
    pub fn from_form_value(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.form_value() == value)
    }
}

/// Which services are switched on, by the practice or for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSwitches {
    pub appointments: bool,
    pub prescriptions: bool,
    pub record: bool,
    pub messages: bool,
}

impl ServiceSwitches {
    pub const ALL_ON: Self = Self {
        appointments: true,
        prescriptions: true,
        record: true,
        messages: true,
    };

    fn get(self, service: OnlineService) -> bool {
        match service {
            OnlineService::Appointments => self.appointments,
            OnlineService::RepeatPrescriptions => self.prescriptions,
            OnlineService::HealthRecord => self.record,
            OnlineService::Messages => self.messages,
        }
    }
}

/// Why a service is or is not available, for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceState {
    Available,
    NotOfferedByPractice,
    NotSwitchedOnForYou,
}

/// A service is available only when the practice offers it and it is switched on for the
/// patient; the GP health record also needs record access that shows something.
pub fn services_shown(
    practice: ServiceSwitches,
    patient: ServiceSwitches,
    record: &RecordVisibility,
) -> Vec<(OnlineService, ServiceState)> {
    OnlineService::ALL
        .into_iter()
        .map(|service| {
            let state = if !practice.get(service) {
                ServiceState::NotOfferedByPractice
            } else if !patient.get(service)
                || (service == OnlineService::HealthRecord
                    && *record == RecordVisibility::NotSwitchedOn)
            {
                ServiceState::NotSwitchedOnForYou
            } else {
                ServiceState::Available
            };
            (service, state)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const DATES: RecordDates = RecordDates {
        practice_set: Some(date!(2020 - 01 - 01)),
        joined_practice: date!(2015 - 06 - 01),
        requested_access: Some(date!(2024 - 01 - 10)),
    };

    #[test]
    fn visible_from_follows_each_rule() {
        use RecordAccessLevel::{DetailedCoded, Full, Summary};
        use VisibleFromRule::*;
        let cases = [
            (
                DetailedCoded,
                PracticeSetDate,
                DATES,
                RecordVisibility::Visible {
                    level: DetailedCoded,
                    from: date!(2020 - 01 - 01),
                    because: PracticeSetDate,
                },
            ),
            (
                Full,
                JoinedPractice,
                DATES,
                RecordVisibility::Visible {
                    level: Full,
                    from: date!(2015 - 06 - 01),
                    because: JoinedPractice,
                },
            ),
            (
                Full,
                RequestedAccess,
                DATES,
                RecordVisibility::Visible {
                    level: Full,
                    from: date!(2024 - 01 - 10),
                    because: RequestedAccess,
                },
            ),
            // Joined after the date the practice set: nothing from before joining is shown.
            (
                Full,
                PracticeSetDate,
                RecordDates {
                    joined_practice: date!(2022 - 03 - 04),
                    ..DATES
                },
                RecordVisibility::Visible {
                    level: Full,
                    from: date!(2022 - 03 - 04),
                    because: PracticeSetDate,
                },
            ),
            (
                Full,
                PracticeSetDate,
                RecordDates {
                    practice_set: None,
                    ..DATES
                },
                RecordVisibility::DateMissing {
                    level: Full,
                    rule: PracticeSetDate,
                },
            ),
            (
                DetailedCoded,
                RequestedAccess,
                RecordDates {
                    requested_access: None,
                    ..DATES
                },
                RecordVisibility::DateMissing {
                    level: DetailedCoded,
                    rule: RequestedAccess,
                },
            ),
            (
                RecordAccessLevel::None,
                JoinedPractice,
                DATES,
                RecordVisibility::NotSwitchedOn,
            ),
            (
                Summary,
                JoinedPractice,
                DATES,
                RecordVisibility::SummaryOnly,
            ),
        ];
        for (level, rule, dates, expected) in cases {
            assert_eq!(
                record_visibility(level, rule, dates),
                expected,
                "{level:?} {rule:?} {dates:?}"
            );
        }
    }

    #[test]
    fn each_rule_has_a_sentence_for_patients() {
        assert_eq!(
            VisibleFromRule::PracticeSetDate.patient_sentence(),
            "the date your practice set"
        );
        assert_eq!(
            VisibleFromRule::JoinedPractice.patient_sentence(),
            "the date you joined the practice"
        );
        assert_eq!(
            VisibleFromRule::RequestedAccess.patient_sentence(),
            "the date you asked for online access"
        );
    }

    #[test]
    fn services_need_the_practice_and_the_patient() {
        use ServiceState::*;
        let visible = RecordVisibility::Visible {
            level: RecordAccessLevel::Full,
            from: date!(2015 - 06 - 01),
            because: VisibleFromRule::JoinedPractice,
        };
        let practice = ServiceSwitches {
            messages: false,
            ..ServiceSwitches::ALL_ON
        };
        let patient = ServiceSwitches {
            prescriptions: false,
            ..ServiceSwitches::ALL_ON
        };
        let states: Vec<_> = services_shown(practice, patient, &visible)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(
            states,
            [
                Available,
                NotSwitchedOnForYou,
                Available,
                NotOfferedByPractice
            ]
        );

        let states: Vec<_> = services_shown(
            ServiceSwitches::ALL_ON,
            ServiceSwitches::ALL_ON,
            &RecordVisibility::NotSwitchedOn,
        )
        .into_iter()
        .map(|(_, s)| s)
        .collect();
        assert_eq!(
            states,
            [Available, Available, NotSwitchedOnForYou, Available]
        );
    }
}
