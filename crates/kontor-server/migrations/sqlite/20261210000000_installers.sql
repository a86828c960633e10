-- Installer downloads (issue 4), SQLite flavour: the vendor-wide installer catalog. The bytes live in the
-- content store (`<installers dir>/<sha256>`); an account may download the installers of the products in its
-- subscription's package.
CREATE TABLE installers (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products(id),
    version     TEXT NOT NULL,
    platform    TEXT NOT NULL CHECK (platform IN ('windows', 'macos', 'linux')),
    arch        TEXT NOT NULL CHECK (arch IN ('x86_64', 'aarch64')),
    file_name   TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    sha256      TEXT NOT NULL,
    notes       TEXT NOT NULL,
    released_on TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (product_id, version, platform, arch)
);
