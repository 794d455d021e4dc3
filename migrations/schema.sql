-- The schema the numbered migrations build, in one script: a new database is created
-- with it and marked as migrated (one parse, no table rebuilt by ALTER TABLE); a
-- database written by an older version is brought up to date by the migrations. A
-- test (store::tests) holds the two to the same tables, columns and indexes: a
-- schema change is a new migration plus the same change here.

-- Image-registry records (DescribeAssetImageRegistry*). The record's fields live in
-- `record` as a JSON object in the API's own field names; the columns hold what
-- lookups and visibility need.
CREATE TABLE images (
    id       INTEGER PRIMARY KEY,             -- the API's `Id`
    account  TEXT    NOT NULL DEFAULT 'default',
    image_id TEXT    NOT NULL DEFAULT '',     -- the API's `ImageId`
    record   TEXT    NOT NULL                 -- JSON object, without Id
) STRICT;

CREATE INDEX images_by_image_id ON images (image_id, id);
CREATE INDEX images_by_account ON images (account, id);

-- Registry image scans: a task groups the images it scans; each scan runs on the
-- emulator's clock from started_ms to ends_ms (see 0002_scans.sql).
CREATE TABLE scan_tasks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,   -- the API's TaskID
    account    TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    scan_types TEXT    NOT NULL                     -- JSON array: CVE, VIRUS, RISK
) STRICT;

CREATE TABLE scans (
    task       INTEGER NOT NULL REFERENCES scan_tasks (id) ON DELETE CASCADE,
    image      INTEGER NOT NULL,
    started_ms INTEGER NOT NULL,
    ends_ms    INTEGER NOT NULL,
    full_ms    INTEGER NOT NULL,
    outcome    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    stopped_ms INTEGER,
    PRIMARY KEY (task, image)
) STRICT;

CREATE INDEX scans_running ON scans (state, ends_ms);
CREATE INDEX scans_by_image ON scans (image, task);

-- Every resource collection of the resource model (see 0004_records.sql).
CREATE TABLE records (
    collection TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    record     TEXT    NOT NULL,
    PRIMARY KEY (collection, account, id)
) STRICT;

CREATE INDEX records_in_order ON records (collection, account, seq);
