-- Schema version 3, applied on top of version 2: the matching engine's evidence.
--
-- The engine's outcome of the latest run that changed the index: one row per automatic merge
-- (the edge that joined two groups of records into one person) and one per uncertain pair
-- (in the review band, left apart). Rewritten as a whole by every run that changes the index,
-- in that run's transaction; read by `review`, `unmerge` and the deduplication report.
-- Records are named by stable_key (records.stable_key), so that a row still names the same
-- records after their files are imported again.
CREATE TABLE match_evidence (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('merge', 'uncertain')),
    seq         INTEGER NOT NULL,                  -- order inside its kind: merges in joining order, uncertain by weight
    record_a    TEXT    NOT NULL,                  -- stable_key of one record
    record_b    TEXT    NOT NULL,                  -- stable_key of the other
    person_a    TEXT,                              -- the person record_a belongs to after the run
    person_b    TEXT,                              -- the person record_b belongs to (equal to person_a for a merge)
    weight      REAL    NOT NULL,                  -- match weight, log2 Bayes factor
    probability REAL    NOT NULL,
    swapped     INTEGER NOT NULL DEFAULT 0,        -- given and family name agreed only crosswise
    fields_json TEXT    NOT NULL                   -- JSON array of {"field", "level", "weight"} (dedup::engine::FieldEvidence)
) STRICT;
CREATE INDEX match_evidence_person_a ON match_evidence (person_a);
CREATE INDEX match_evidence_person_b ON match_evidence (person_b);
