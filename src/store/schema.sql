-- The netwerk-import index, schema version 1 (kept in PRAGMA user_version by src/store/mod.rs).
--
-- History is never dropped: a changed file gets a new `files` row and its old version is only
-- marked superseded; the old records stay, inactive. A record is active while its file is.
-- Ordinary tables are STRICT and have rowids, so that a dump ordered by rowid is meaningful.

-- One row per run that changed something. A run that changed nothing writes no row at all.
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT    NOT NULL,  -- RFC 3339 UTC, given by the pipeline
    command          TEXT    NOT NULL,
    files_new        INTEGER NOT NULL DEFAULT 0,
    files_changed    INTEGER NOT NULL DEFAULT 0,
    files_unchanged  INTEGER NOT NULL DEFAULT 0,
    records_added    INTEGER NOT NULL DEFAULT 0,
    records_rejected INTEGER NOT NULL DEFAULT 0,
    persons_new      INTEGER NOT NULL DEFAULT 0,
    persons_updated  INTEGER NOT NULL DEFAULT 0,
    persons_retired  INTEGER NOT NULL DEFAULT 0,
    persons_total    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One row per version of a file: a path whose content hash changed gets a new row.
CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL,
    hash          TEXT    NOT NULL,                -- hex sha256 of the file's bytes
    size          INTEGER NOT NULL,
    kind          TEXT    NOT NULL,                -- SourceKind::as_str
    run_id        INTEGER NOT NULL REFERENCES runs (id),
    superseded_by INTEGER REFERENCES runs (id),    -- NULL while this is the active version
    UNIQUE (path, run_id)
) STRICT;
CREATE UNIQUE INDEX files_active_path ON files (path) WHERE superseded_by IS NULL;

-- Every record of every file version, imported or rejected, with its raw text verbatim.
CREATE TABLE records (
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL REFERENCES files (id),
    path         TEXT    NOT NULL,
    ordinal      INTEGER NOT NULL,                 -- 1-based record number inside the file
    line         INTEGER,                          -- 1-based first line; NULL where lines mean nothing
    kind         TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('imported', 'rejected')),
    reason       TEXT,                             -- why a rejected record was not imported
    raw          TEXT    NOT NULL,                 -- the record exactly as it stood in the file
    raw_hash     TEXT    NOT NULL,                 -- hex sha256 of raw
    stable_key   TEXT    NOT NULL,                 -- path#ordinal#raw_hash: the same record in any run
    raw_json     TEXT,                             -- RawContact as JSON, photo bytes moved to `photos`
    contact_json TEXT,                             -- Contact as JSON
    CHECK ((status = 'imported') = (contact_json IS NOT NULL)),
    CHECK ((status = 'rejected') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX records_file ON records (file_id, ordinal);
CREATE INDEX records_stable_key ON records (stable_key);

CREATE VIEW active_records AS
    SELECT r.* FROM records r JOIN files f ON f.id = r.file_id WHERE f.superseded_by IS NULL;

-- Photos a source embedded or pointed at, kept out of raw_json so that JSON stays small.
CREATE TABLE photos (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES records (id),
    item       INTEGER NOT NULL,                   -- position in RawContact.photos
    media_type TEXT,
    uri        TEXT,
    data       BLOB    NOT NULL,
    UNIQUE (record_id, item)
) STRICT;

-- (Replaced in schema version 4 by `record_keys`, see schema_v4.sql: the values stay in
-- records.contact_json.)
-- Every normalised value, linked to the record it came from. (Called `values` in DESIGN.md;
-- VALUES is an SQL keyword, and a table that must always be quoted invites broken queries.)
-- field: email, phone, url, social, nickname, title, note, birthday, connected_on,
--        name.full, name.given, name.family, name.prefix, name.suffix, name.initials,
--        org, org.key, org.legal_form, org.department,
--        address, address.street, address.postcode, address.city, address.region,
--        address.country, address.po_box.
-- item groups the rows of one list entry (the second e-mail, the parts of the first address).
CREATE TABLE record_values (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records (id),
    field     TEXT    NOT NULL,
    item      INTEGER NOT NULL,
    value     TEXT    NOT NULL,
    original  TEXT,                                -- as the source wrote it, where known
    label     TEXT
) STRICT;
CREATE INDEX record_values_record ON record_values (record_id);
CREATE INDEX record_values_field ON record_values (field, value);

-- A person is a stable id; which records it holds is in person_records.
CREATE TABLE persons (
    id          TEXT    PRIMARY KEY,               -- p- and 12 hex digits
    created_run INTEGER NOT NULL REFERENCES runs (id),
    updated_run INTEGER NOT NULL REFERENCES runs (id),  -- last run that changed its membership
    retired_run INTEGER REFERENCES runs (id)       -- set when it no longer holds any active record
) STRICT;

-- The person each record belongs to. Active records always have exactly one row here;
-- superseded records keep the row they last had, as history.
CREATE TABLE person_records (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    person_id TEXT    NOT NULL REFERENCES persons (id),
    run_id    INTEGER NOT NULL REFERENCES runs (id)    -- the run that set this link
) STRICT;
CREATE INDEX person_records_person ON person_records (person_id);

-- Where and when the user met someone, and which source says so. record_id is set where the
-- encounter comes from one record (LinkedIn's Connected On); sidecar, folder and calendar
-- encounters can leave it NULL and link to persons directly.
CREATE TABLE encounters (
    id        INTEGER PRIMARY KEY,
    how       TEXT    NOT NULL,                    -- linkedin, facebook, card, meeting, in-person, …
    event     TEXT,
    date      TEXT,                                -- ISO 8601 date
    place     TEXT,
    source    TEXT    NOT NULL,                    -- the path of the file that told us
    record_id INTEGER REFERENCES records (id),
    run_id    INTEGER NOT NULL REFERENCES runs (id)
) STRICT;
CREATE INDEX encounters_record ON encounters (record_id);

CREATE TABLE person_encounters (
    id           INTEGER PRIMARY KEY,
    person_id    TEXT    NOT NULL REFERENCES persons (id),
    encounter_id INTEGER NOT NULL REFERENCES encounters (id),
    run_id       INTEGER NOT NULL REFERENCES runs (id),
    UNIQUE (person_id, encounter_id)
) STRICT;
CREATE INDEX person_encounters_encounter ON person_encounters (encounter_id);

-- The user's own verdicts (merge, not the same, split), which every later run must respect.
-- Written and read by a later issue; records are named by stable_key so that a decision
-- survives a file being imported again.
CREATE TABLE decisions (
    id        INTEGER PRIMARY KEY,
    made_at   TEXT    NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('merge', 'not-same', 'split')),
    record_a  TEXT    NOT NULL,
    record_b  TEXT,
    person_id TEXT,
    note      TEXT
) STRICT;

-- Full-text search for `who`: one row per active person, rowid = persons.rowid. Diacritics
-- are folded so that `coordinator` finds `Coördinator`.
CREATE VIRTUAL TABLE person_search USING fts5 (
    person_id UNINDEXED,
    name,
    emails,
    phones,
    orgs,
    titles,
    tokenize = 'unicode61 remove_diacritics 2'
);
