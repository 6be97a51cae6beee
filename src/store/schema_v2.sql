-- Schema version 2, applied on top of version 1 (schema.sql): a new index runs both files in
-- order, an existing version-1 index runs only this one, so both end up with the same schema.
--
-- What it adds: encounter notes and calendar encounters (events matched to persons by the
-- attendees' e-mail or name), the user's purpose notes, and files that disappeared from the
-- folders a run looked at.

-- A file under one of a run's input paths that the run no longer found. Its records stay
-- active (they are still the best knowledge there is); only the mark says the file is gone.
-- Cleared when the same content is found again.
ALTER TABLE files ADD COLUMN deleted_run INTEGER REFERENCES runs (id);
ALTER TABLE runs ADD COLUMN files_deleted INTEGER NOT NULL DEFAULT 0;

-- note: the sidecar's `note`, a LinkedIn invitation's message, a calendar event's description.
-- file_id, ordinal, line, raw: set for encounters a file tells as a whole (calendar events):
-- the file version, the event's 1-based number and first line in it, and its text verbatim.
-- attendees: for calendar events, how many people besides the user were invited (declined
-- invitations, rooms and resources not counted): 1 is a one-to-one meeting.
ALTER TABLE encounters ADD COLUMN note TEXT;
ALTER TABLE encounters ADD COLUMN file_id INTEGER REFERENCES files (id);
ALTER TABLE encounters ADD COLUMN ordinal INTEGER;
ALTER TABLE encounters ADD COLUMN line INTEGER;
ALTER TABLE encounters ADD COLUMN raw TEXT;
ALTER TABLE encounters ADD COLUMN attendees INTEGER;
CREATE INDEX encounters_file ON encounters (file_id);

-- How a person came to an encounter: `record` (one of the person's records told it), `email`
-- (a calendar attendee's address is one of the person's), `name` (a calendar attendee's name
-- is exactly the name of this person and of no other: weaker).
ALTER TABLE person_encounters ADD COLUMN matched_by TEXT NOT NULL DEFAULT 'record';

-- The attendees of a calendar encounter that may be a person in the index. email is
-- lower-cased; folded_name is the name in matching form (accents folded, lower-case).
CREATE TABLE encounter_attendees (
    id           INTEGER PRIMARY KEY,
    encounter_id INTEGER NOT NULL REFERENCES encounters (id),
    email        TEXT,
    name         TEXT,
    folded_name  TEXT
) STRICT;
CREATE INDEX encounter_attendees_encounter ON encounter_attendees (encounter_id);

-- Why the user keeps a contact: what they can offer the person, what they hope from them.
-- Written by `netwerk-import note`, never by an import run; kept when the person is retired,
-- and moved to the person that absorbed it when two persons merge.
CREATE TABLE purposes (
    person_id  TEXT PRIMARY KEY REFERENCES persons (id),
    offer      TEXT,
    ask        TEXT,
    updated_at TEXT NOT NULL
) STRICT;

-- The terms of the search index per column, for the typo-tolerant fallback of `who`.
CREATE VIRTUAL TABLE person_search_terms USING fts5vocab (person_search, 'col');
