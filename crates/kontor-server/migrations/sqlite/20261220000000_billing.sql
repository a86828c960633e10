-- Billing (issue 8), SQLite flavour: the priced catalog with add-ons, subscription terms and package changes,
-- the billing address, SEPA mandates, and invoices with lines, an address snapshot and gapless numbers.
-- Money is integer cents, VAT rates basis points (1900 = 19 %), dates ISO text (YYYY-MM-DD).

-- Catalog. A higher `rank` is a higher package (an upgrade); prices per billing period; seats per included app.
ALTER TABLE packages ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN monthly_cents INTEGER NOT NULL DEFAULT 0 CHECK (monthly_cents >= 0);
ALTER TABLE packages ADD COLUMN yearly_cents INTEGER NOT NULL DEFAULT 0 CHECK (yearly_cents >= 0);
ALTER TABLE packages ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE package_products ADD COLUMN seats INTEGER NOT NULL DEFAULT 0 CHECK (seats >= 0);

-- An add-on is an application (or more seats of one) bought on top of a package; `seats` per unit bought.
CREATE TABLE addons (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    product_id    TEXT NOT NULL REFERENCES products(id),
    seats         INTEGER NOT NULL CHECK (seats > 0),
    monthly_cents INTEGER NOT NULL CHECK (monthly_cents >= 0),
    yearly_cents  INTEGER NOT NULL CHECK (yearly_cents >= 0),
    currency      TEXT NOT NULL
);

-- Which add-ons can be bought with which package.
CREATE TABLE package_addons (
    package_id TEXT NOT NULL REFERENCES packages(id),
    addon_id   TEXT NOT NULL REFERENCES addons(id),
    PRIMARY KEY (package_id, addon_id)
);

-- Subscription terms: `started_on` is the term start and `renews_on` the renewal date (both from the first
-- migration); the current billing period is [period_start, period_end). A downgrade waits in
-- `pending_package_id` until `period_end`. `subscription_seats` stays the effective seat limit per product
-- (package seats plus add-on seats) that license assignment checks.
ALTER TABLE subscriptions ADD COLUMN billing_period TEXT NOT NULL DEFAULT 'yearly'
    CHECK (billing_period IN ('monthly', 'yearly'));
ALTER TABLE subscriptions ADD COLUMN period_start TEXT;
ALTER TABLE subscriptions ADD COLUMN period_end TEXT;
ALTER TABLE subscriptions ADD COLUMN pending_package_id TEXT REFERENCES packages(id);
ALTER TABLE subscriptions ADD COLUMN payment_method TEXT NOT NULL DEFAULT 'invoice'
    CHECK (payment_method IN ('sepa', 'invoice'));
UPDATE subscriptions SET period_end = renews_on, period_start = date(renews_on, '-1 year');

CREATE TABLE subscription_addons (
    account_id TEXT NOT NULL REFERENCES subscriptions(account_id),
    addon_id   TEXT NOT NULL REFERENCES addons(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    started_on TEXT NOT NULL,
    PRIMARY KEY (account_id, addon_id)
);

-- The billing address an invoice is issued to (one per account). `invoice_emails` is a JSON array of strings.
CREATE TABLE billing_addresses (
    account_id     TEXT PRIMARY KEY REFERENCES accounts(id),
    company        TEXT NOT NULL,
    addressee      TEXT,
    street         TEXT NOT NULL,
    street2        TEXT,
    postal_code    TEXT NOT NULL,
    city           TEXT NOT NULL,
    country        TEXT NOT NULL,
    vat_id         TEXT,
    invoice_emails TEXT NOT NULL,
    po_reference   TEXT,
    leitweg_id     TEXT,
    updated_at     INTEGER NOT NULL
);

-- SEPA direct-debit mandates. The IBAN is stored normalised and never leaves the server unmasked. At most
-- one mandate per account is active (`ended_at IS NULL`); saving new bank details ends the previous one.
CREATE TABLE sepa_mandates (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    reference      TEXT NOT NULL UNIQUE,
    account_holder TEXT NOT NULL,
    iban           TEXT NOT NULL,
    bic            TEXT,
    creditor_id    TEXT NOT NULL,
    language       TEXT NOT NULL,
    accepted_by    TEXT NOT NULL REFERENCES users(id),
    signed_on      TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    ended_at       INTEGER
);
CREATE UNIQUE INDEX sepa_mandates_active ON sepa_mandates(account_id) WHERE ended_at IS NULL;

-- Invoices, rebuilt: kind (invoice or credit note correcting another), service period, amounts, payment terms,
-- language, reverse charge, and the billing address as it was when issued (the `bill_*` snapshot). An issued
-- invoice's content never changes; only `status` (and `paid_at`) moves. The first migration's rows are kept
-- with one line each and the account name as the address.
ALTER TABLE invoices RENAME TO invoices_v1;
DROP INDEX invoices_account;
CREATE TABLE invoices (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    corrects_invoice_id TEXT REFERENCES invoices(id),
    issued_on           TEXT NOT NULL,
    period_start        TEXT NOT NULL,
    period_end          TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    currency            TEXT NOT NULL,
    net_cents           INTEGER NOT NULL,
    vat_cents           INTEGER NOT NULL,
    gross_cents         INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open', 'paid', 'overdue', 'cancelled')),
    paid_at             INTEGER,
    payment_method      TEXT NOT NULL CHECK (payment_method IN ('sepa', 'invoice')),
    mandate_reference   TEXT,
    debit_on            TEXT,
    language            TEXT NOT NULL DEFAULT 'de',
    reverse_charge      INTEGER NOT NULL DEFAULT 0,
    bill_company        TEXT NOT NULL,
    bill_addressee      TEXT,
    bill_street         TEXT NOT NULL,
    bill_street2        TEXT,
    bill_postal_code    TEXT NOT NULL,
    bill_city           TEXT NOT NULL,
    bill_country        TEXT NOT NULL,
    bill_vat_id         TEXT,
    bill_emails         TEXT NOT NULL,
    bill_po_reference   TEXT,
    bill_leitweg_id     TEXT,
    created_at          INTEGER NOT NULL
);
CREATE INDEX invoices_account ON invoices(account_id, issued_on, number);

CREATE TABLE invoice_lines (
    invoice_id       TEXT NOT NULL REFERENCES invoices(id),
    position         INTEGER NOT NULL CHECK (position >= 1),
    description      TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    net_cents        INTEGER NOT NULL,
    vat_rate_bp      INTEGER NOT NULL CHECK (vat_rate_bp >= 0),
    vat_cents        INTEGER NOT NULL,
    period_start     TEXT,
    period_end       TEXT,
    PRIMARY KEY (invoice_id, position)
);

INSERT INTO invoices (id, account_id, number, kind, issued_on, period_start, period_end, due_on, currency,
                      net_cents, vat_cents, gross_cents, status, payment_method, bill_company, bill_street,
                      bill_postal_code, bill_city, bill_country, bill_emails, created_at)
SELECT i.id, i.account_id, i.number, 'invoice', i.issued_on, i.issued_on, i.issued_on, i.due_on, i.currency,
       i.amount_cents, 0, i.amount_cents, CASE i.status WHEN 'void' THEN 'cancelled' ELSE i.status END,
       'invoice', a.name, '', '', '', '', '[]', a.created_at
FROM invoices_v1 i JOIN accounts a ON a.id = i.account_id;
INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price_cents, net_cents,
                           vat_rate_bp, vat_cents)
SELECT id, 1, 'Subscription', 1, amount_cents, amount_cents, 0, 0 FROM invoices_v1;
DROP TABLE invoices_v1;

-- Gapless invoice numbers: one counter per series (e.g. the year), advanced in the transaction that issues.
CREATE TABLE invoice_counters (
    series      TEXT PRIMARY KEY,
    last_number INTEGER NOT NULL CHECK (last_number >= 0)
);

-- Package changes, booked once per idempotency key. `prorated_cents` is the charge (> 0) or credit (< 0)
-- for the rest of the period; an upgrade's proration invoice is `invoice_id`.
CREATE TABLE subscription_changes (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    idempotency_key TEXT NOT NULL,
    from_package_id TEXT NOT NULL REFERENCES packages(id),
    to_package_id   TEXT NOT NULL REFERENCES packages(id),
    effective_on    TEXT NOT NULL,
    prorated_cents  INTEGER NOT NULL,
    invoice_id      TEXT REFERENCES invoices(id),
    actor_user_id   TEXT REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
