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
