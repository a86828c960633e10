-- Invoices are immutable once issued (issue 8), PostgreSQL flavour. Only `status` and `paid_at` may change; an
-- UPDATE of any other column, every DELETE (and TRUNCATE) of invoices or invoice lines, is refused. A
-- correction is a credit note (kind `credit_note`, `corrects_invoice_id`). `issue_key` makes issuing
-- idempotent per account (the period run's `recurring:<period start>`, a package change's `change:<id>`);
-- `note` holds a credit note's reason.
ALTER TABLE invoices ADD COLUMN issue_key TEXT;
ALTER TABLE invoices ADD COLUMN note TEXT;
CREATE UNIQUE INDEX invoices_issue_key ON invoices(account_id, issue_key) WHERE issue_key IS NOT NULL;
CREATE INDEX invoices_corrects ON invoices(corrects_invoice_id) WHERE corrects_invoice_id IS NOT NULL;

CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n invoices;
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'invoice_immutable: an issued invoice is never deleted; issue a credit note';
    END IF;
    -- Every column but status and paid_at (also columns added later) must stay.
    n := NEW;
    n.status := OLD.status;
    n.paid_at := OLD.paid_at;
    IF n IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'invoice_immutable: an issued invoice is never changed; issue a credit note';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION invoice_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoice_immutable: the lines of an issued invoice are never changed or deleted';
END
$$;

CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_immutable();
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_immutable();
