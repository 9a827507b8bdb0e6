-- Online access a practice ended (issue #20): the patient left the practice, or the practice
-- moved to another clinical system, so the Account ID and PIN documents it printed no longer
-- work. The account is kept, never deleted: sign-in, reset and replacement find it and say
-- why it stopped working and what to do. An account with `ended_at` set is not "live": a
-- reissue never revives it, and a new registration creates a new account beside it.
ALTER TABLE online_accounts ADD COLUMN ended_at BIGINT;
ALTER TABLE online_accounts ADD COLUMN ended_reason TEXT
    CHECK (ended_reason IN ('left_practice', 'system_changed'));
