-- Every resource collection of the resource model (src/resources/): one row per
-- record, its API fields as one JSON object in `record` (the identifier member
-- included). `id` is the identifier as text; `seq` orders records as they were
-- created and allocates integer identifiers.
CREATE TABLE records (
    collection TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    record     TEXT    NOT NULL,
    PRIMARY KEY (collection, account, id)
) STRICT;

CREATE INDEX records_in_order ON records (collection, account, seq);
