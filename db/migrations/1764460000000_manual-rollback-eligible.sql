-- Up Migration

-- docs/audit-contract.md, "Rollback eligibility": rollback_eligible is the policy row's automatic
-- rollback flag, and whether an operator may still undo the change by hand (a rollback token lives)
-- is its own column. Rows written before this migration keep NULL here; their rollback_eligible
-- meant "has a rollback token". NULL is left out of the signed form, so those rows verify as they were.
ALTER TABLE audit_records ADD COLUMN manual_rollback_eligible boolean;

-- Down Migration

ALTER TABLE audit_records DROP COLUMN manual_rollback_eligible;
