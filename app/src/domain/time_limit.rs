//! Journey steps that end after a time limit, and how asking for more time moves that end
//! (WCAG 2.2.1 Timing Adjustable: warned before the end, the user can extend the limit with a
//! simple action, at least ten times).
//!
//! A step that could be extended for ever would let a copied step cookie live for ever, so
//! more time is given a whole lifetime at a time and never past [`MAX_EXTENSIONS`] more
//! lifetimes after the step began.

/// How many times a step's time can be extended: the ten WCAG asks for at least.
pub const MAX_EXTENSIONS: i64 = 10;

/// A step's time window, in Unix seconds: when it began, how long one lifetime is, and when it
/// ends now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepWindow {
    pub started_at: i64,
    pub lifetime_seconds: i64,
    pub expires_at: i64,
}

impl StepWindow {
    /// How long the step has left at `now` (0 once it has ended).
    pub fn seconds_left(self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }

    /// The latest a step can ever end, however often more time is asked for.
    pub fn last_possible_end(self) -> i64 {
        self.started_at + self.lifetime_seconds * (MAX_EXTENSIONS + 1)
    }

    /// What asking for more time at `now` gives: a whole lifetime from now, but never past
    /// [`Self::last_possible_end`].
    pub fn more_time(self, now: i64) -> MoreTime {
        if self.expires_at <= now {
            return MoreTime::Ended;
        }
        let end = (now + self.lifetime_seconds).min(self.last_possible_end());
        if end > self.expires_at {
            MoreTime::Until(end)
        } else if self.expires_at >= self.last_possible_end() {
            MoreTime::NoMore
        } else {
            MoreTime::AlreadyHas
        }
    }
}

/// The answer to asking for more time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoreTime {
    /// The step now ends at this time.
    Until(i64),
    /// It already has at least a whole lifetime left (asked for early): its end stays.
    AlreadyHas,
    /// It has had all the time it can: its end stays, and asking again changes nothing.
    NoMore,
    /// It has ended: nothing brings it back.
    Ended,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEN_MINUTES: i64 = 600;

    fn window(started_at: i64, expires_at: i64) -> StepWindow {
        StepWindow {
            started_at,
            lifetime_seconds: TEN_MINUTES,
            expires_at,
        }
    }

    #[test]
    fn more_time_is_a_whole_lifetime_from_now() {
        let step = window(1_000, 1_600);
        assert_eq!(step.more_time(1_480), MoreTime::Until(2_080));
        assert_eq!(step.seconds_left(1_480), 120);
        // Asked for as soon as the step began: it has a whole lifetime already.
        assert_eq!(step.more_time(1_000), MoreTime::AlreadyHas);
    }

    #[test]
    fn an_ended_step_gets_no_more_time() {
        let step = window(1_000, 1_600);
        assert_eq!(step.more_time(1_600), MoreTime::Ended);
        assert_eq!(step.more_time(9_999), MoreTime::Ended);
        assert_eq!(step.seconds_left(9_999), 0);
    }

    #[test]
    fn at_least_ten_extensions_then_no_more() {
        let mut step = window(0, TEN_MINUTES);
        let mut extensions = 0;
        // Asking two minutes before each end, as the warning offers it.
        while let MoreTime::Until(end) = step.more_time(step.expires_at - 120) {
            step.expires_at = end;
            extensions += 1;
            assert!(extensions < 100, "extensions never stop");
        }
        assert!(extensions >= MAX_EXTENSIONS, "only {extensions} extensions");
        assert_eq!(step.expires_at, step.last_possible_end());
        assert_eq!(step.more_time(step.expires_at - 120), MoreTime::NoMore);
    }

    proptest! {
        #[test]
        fn more_time_never_shortens_a_step_nor_passes_its_last_end(
            started_at in 0i64..1_000_000,
            used in 0i64..20_000,
            asked in 0i64..20_000,
        ) {
            let expires_at = (started_at + TEN_MINUTES + used).min(started_at + TEN_MINUTES * 11);
            let step = window(started_at, expires_at);
            let now = started_at + asked;
            match step.more_time(now) {
                MoreTime::Until(end) => {
                    prop_assert!(end > step.expires_at);
                    prop_assert!(end <= step.last_possible_end());
                    prop_assert!(end <= now + TEN_MINUTES);
                    prop_assert!(now < step.expires_at);
                }
                MoreTime::AlreadyHas => {
                    prop_assert!(now < step.expires_at);
                    prop_assert!(step.expires_at >= now + TEN_MINUTES);
                }
                MoreTime::NoMore => {
                    prop_assert!(now < step.expires_at);
                    prop_assert!(step.expires_at >= step.last_possible_end());
                }
                MoreTime::Ended => prop_assert!(now >= step.expires_at),
            }
        }
    }
}
