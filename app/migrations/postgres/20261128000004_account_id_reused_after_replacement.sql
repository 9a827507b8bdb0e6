-- A replacement account keeps the Account ID of the account it replaces (the practice's PIN
-- documents print it), so an Account ID is unique among *active* accounts only.
ALTER TABLE online_accounts DROP CONSTRAINT online_accounts_practice_ods_account_id_key;
CREATE UNIQUE INDEX online_accounts_active_account_id ON online_accounts (practice_ods, account_id)
    WHERE status = 'active';
