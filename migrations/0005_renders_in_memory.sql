-- Detail answers are rendered on first read and kept in memory (store/renders.rs), no
-- longer stored beside each record: a seeded record costs its JSON once. The renderer
-- fingerprint that `meta` kept goes with them.
ALTER TABLE images DROP COLUMN detail;
DROP TABLE meta;
