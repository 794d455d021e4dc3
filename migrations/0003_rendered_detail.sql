-- Each record's DescribeAssetImageRegistryDetail answer (the content of `Response`
-- without `RequestId`), rendered when the record is written so that a lookup copies
-- text instead of decoding, shaping and encoding the record. NULL: not rendered
-- (written by an older version, or by a store without a renderer); the answer is
-- then built from `record`. `meta` keeps the fingerprint of the renderer that wrote
-- the column: a different one clears it (see store::Store::with_renderer).
ALTER TABLE images ADD COLUMN detail TEXT;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
