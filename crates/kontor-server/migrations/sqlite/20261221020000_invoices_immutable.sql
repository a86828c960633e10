-- Invoices are immutable once issued (issue 8), SQLite flavour. Only `status` and `paid_at` may change; an
-- UPDATE of any other column, and every DELETE of an invoice or an invoice line, is refused. A correction is
-- a credit note (kind `credit_note`, `corrects_invoice_id`). `issue_key` makes issuing idempotent per account
-- (the period run's `recurring:<period start>`, a package change's `change:<id>`); `note` holds a credit
-- note's reason.
ALTER TABLE invoices ADD COLUMN issue_key TEXT;
ALTER TABLE invoices ADD COLUMN note TEXT;
CREATE UNIQUE INDEX invoices_issue_key ON invoices(account_id, issue_key) WHERE issue_key IS NOT NULL;
CREATE INDEX invoices_corrects ON invoices(corrects_invoice_id) WHERE corrects_invoice_id IS NOT NULL;

CREATE TRIGGER invoices_immutable BEFORE UPDATE ON invoices
WHEN NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id OR NEW.number IS NOT OLD.number
  OR NEW.kind IS NOT OLD.kind OR NEW.corrects_invoice_id IS NOT OLD.corrects_invoice_id
  OR NEW.issued_on IS NOT OLD.issued_on OR NEW.period_start IS NOT OLD.period_start
  OR NEW.period_end IS NOT OLD.period_end OR NEW.due_on IS NOT OLD.due_on OR NEW.currency IS NOT OLD.currency
  OR NEW.net_cents IS NOT OLD.net_cents OR NEW.vat_cents IS NOT OLD.vat_cents
  OR NEW.gross_cents IS NOT OLD.gross_cents OR NEW.payment_method IS NOT OLD.payment_method
  OR NEW.mandate_reference IS NOT OLD.mandate_reference OR NEW.debit_on IS NOT OLD.debit_on
  OR NEW.language IS NOT OLD.language OR NEW.reverse_charge IS NOT OLD.reverse_charge
  OR NEW.bill_company IS NOT OLD.bill_company OR NEW.bill_addressee IS NOT OLD.bill_addressee
  OR NEW.bill_street IS NOT OLD.bill_street OR NEW.bill_street2 IS NOT OLD.bill_street2
  OR NEW.bill_postal_code IS NOT OLD.bill_postal_code OR NEW.bill_city IS NOT OLD.bill_city
  OR NEW.bill_country IS NOT OLD.bill_country OR NEW.bill_vat_id IS NOT OLD.bill_vat_id
  OR NEW.bill_emails IS NOT OLD.bill_emails OR NEW.bill_po_reference IS NOT OLD.bill_po_reference
  OR NEW.bill_leitweg_id IS NOT OLD.bill_leitweg_id OR NEW.created_at IS NOT OLD.created_at
  OR NEW.issue_key IS NOT OLD.issue_key OR NEW.note IS NOT OLD.note
BEGIN
    SELECT RAISE(ABORT, 'invoice_immutable: an issued invoice is never changed; issue a credit note');
END;

CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'invoice_immutable: an issued invoice is never deleted; issue a credit note');
END;

CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'invoice_immutable: the lines of an issued invoice are never changed');
END;

CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'invoice_immutable: the lines of an issued invoice are never deleted');
END;
