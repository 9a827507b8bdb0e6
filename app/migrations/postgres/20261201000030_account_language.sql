-- The language the patient last used with their account (set at sign-in and at a passphrase
-- reset), so a message sent on a change someone else makes (a PIN document reissued by staff)
-- is written in it. NULL until the patient has signed in or reset since this column came.
ALTER TABLE online_accounts ADD COLUMN language TEXT CHECK (language IN ('en', 'cy'));
