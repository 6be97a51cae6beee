-- Schema version 4, applied on top of version 3: the index writes less per record.
--
-- Records written from version 4 on keep `raw_json` and `contact_json` compact
-- (`src/store/json.rs`): no `null` members, no empty lists, and no copy of the raw text inside
-- `raw_json` (it is `records.raw`). Rows written earlier stay as they are and read the same.
--
-- Until version 3 every normalised value had its own `record_values` row (with its original
-- spelling and label), beside the record's Contact JSON that holds the same values: for
-- FEBRL4, 8.9 rows per record, each with two index entries: 9.1 of the index's 36.5 MB. Only a few
-- fields are ever looked up by value, so version 4 keeps exactly those, as keys into the
-- records; every value, with its original and label, stays in `records.contact_json`
-- (read with `store::json`), so nothing is lost.
--
-- field: email and phone (`who` finds persons by them, calendars link attendees by e-mail),
-- name.full (calendars link attendees by a name one person has; the report looks for two
-- names in one person) and birthday (the report looks for two birthdays in one person).
-- value: the normalised value, as in the Contact. item: its position in the Contact's list.
-- WITHOUT ROWID: the primary key is the only B-tree, so a row is written once.
CREATE TABLE record_keys (
    field     TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records (id),
    item      INTEGER NOT NULL,
    PRIMARY KEY (field, value, record_id, item)
) STRICT, WITHOUT ROWID;

INSERT INTO record_keys (field, value, record_id, item)
    SELECT DISTINCT field, value, record_id, item FROM record_values
    WHERE field IN ('email', 'phone', 'name.full', 'birthday');

DROP TABLE record_values;
