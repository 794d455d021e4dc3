-- Registry image scans (CreateAssetImageRegistryScanTask and siblings). A task groups
-- the images it scans; each scan runs on the emulator's clock from started_ms to
-- ends_ms and is settled (done, failed, timeout) by the first call that sees it over.
CREATE TABLE scan_tasks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,   -- the API's TaskID
    account    TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    scan_types TEXT    NOT NULL                     -- JSON array: CVE, VIRUS, RISK
) STRICT;

CREATE TABLE scans (
    task       INTEGER NOT NULL REFERENCES scan_tasks (id) ON DELETE CASCADE,
    image      INTEGER NOT NULL,                    -- images.id (the record may be gone)
    started_ms INTEGER NOT NULL,
    ends_ms    INTEGER NOT NULL,                    -- earlier than started_ms + full_ms on a timeout
    full_ms    INTEGER NOT NULL,                    -- the length of the whole scan (progress base)
    outcome    TEXT    NOT NULL,                    -- what ends_ms brings: SCANNED, SCAN_ERR, SCAN_TIMEOUT
    state      TEXT    NOT NULL,                    -- running, then the outcome or CANCELED
    stopped_ms INTEGER,
    PRIMARY KEY (task, image)
) STRICT;

CREATE INDEX scans_running ON scans (state, ends_ms);
CREATE INDEX scans_by_image ON scans (image, task);
