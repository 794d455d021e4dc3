use super::*;
use serde_json::json;

fn record(id: i64, account: &str, image_id: &str) -> ImageRecord {
    ImageRecord {
        id,
        account: account.into(),
        fields: json!({"ImageId": image_id, "ImageName": format!("img{id}")})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    }
}

#[test]
fn upserted_records_are_found_by_id_and_image_id() {
    let store = Store::open(None).unwrap();
    store
        .upsert_images(&[record(1, "default", "sha:a"), record(2, "default", "sha:b")])
        .unwrap();
    assert_eq!(
        store
            .find_image("default", Some(1), None)
            .unwrap()
            .unwrap()
            .id,
        1
    );
    assert_eq!(
        store
            .find_image("default", None, Some("sha:b"))
            .unwrap()
            .unwrap()
            .id,
        2
    );
    assert!(
        store
            .find_image("default", Some(1), Some("sha:b"))
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_image("default", Some(3), None)
            .unwrap()
            .is_none()
    );
    assert!(store.find_image("other", Some(1), None).unwrap().is_none());
    assert_eq!(store.count_images().unwrap(), 2);
}

#[test]
fn upsert_replaces_by_id_and_replace_clears_the_rest() {
    let store = Store::open(None).unwrap();
    store.upsert_images(&[record(1, "default", "a")]).unwrap();
    store.upsert_images(&[record(1, "default", "b")]).unwrap();
    assert_eq!(store.get_image(1).unwrap().unwrap().image_id(), "b");
    store.upsert_images(&[record(2, "default", "c")]).unwrap();
    store.replace_images(&[record(3, "default", "d")]).unwrap();
    let ids: Vec<i64> = store.list_images().unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![3]);
    assert!(store.delete_image(3).unwrap());
    assert!(!store.delete_image(3).unwrap());
}

#[test]
fn file_database_persists_and_reopens_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let store = Store::open(Some(&path)).unwrap();
        store.upsert_images(&[record(7, "default", "x")]).unwrap();
    }
    let store = Store::open(Some(&path)).unwrap();
    assert_eq!(store.get_image(7).unwrap().unwrap().image_id(), "x");
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
}

fn render_name(r: &ImageRecord) -> Option<String> {
    Some(format!(
        "{{\"Name\":\"{}\"}}",
        r.fields["ImageName"].as_str().unwrap_or_default()
    ))
}

fn rendered(text: &str) -> Option<Found> {
    Some(Found::Rendered(text.into()))
}

#[test]
fn answers_are_rendered_on_first_read_kept_and_dropped_when_the_record_is_written() {
    let store = Store::open(None).unwrap().with_renderer(Renderer {
        render: render_name,
    });
    store.upsert_images(&[record(1, "default", "a")]).unwrap();
    assert_eq!(store.renders.len(), 0, "nothing is rendered by a write");
    assert_eq!(
        store.find_detail("default", Some(1), None).unwrap(),
        rendered("{\"Name\":\"img1\"}")
    );
    assert_eq!(store.renders.len(), 1);
    // Kept: by Id, by ImageId, by both; never for another account or ImageId.
    for (id, image) in [(Some(1), None), (None, Some("a")), (Some(1), Some("a"))] {
        let found = store.find_detail("default", id, image).unwrap();
        assert_eq!(found, rendered("{\"Name\":\"img1\"}"), "{id:?} {image:?}");
        if let Some(Found::Rendered(text)) = found {
            assert!(text.capacity() >= text.len() + RENDER_ROOM);
        }
    }
    assert_eq!(store.find_detail("other", Some(1), None).unwrap(), None);
    assert_eq!(
        store.find_detail("default", Some(1), Some("b")).unwrap(),
        None
    );
    // Every way a record is written drops its render: the next read shows the write.
    let mut renamed = record(1, "default", "a");
    renamed.fields["ImageName"] = json!("second");
    store.upsert_images(&[renamed.clone()]).unwrap();
    assert_eq!(
        store.find_detail("default", Some(1), None).unwrap(),
        rendered("{\"Name\":\"second\"}")
    );
    renamed.fields["ImageName"] = json!("third");
    store
        .write_fed(false, |batch| {
            batch.push(renamed.clone(), 10)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(
        store.find_detail("default", None, Some("a")).unwrap(),
        rendered("{\"Name\":\"third\"}")
    );
    // Moved to another account: not the old account's any more.
    let mut moved = renamed.clone();
    moved.account = "other".into();
    store.upsert_images(&[moved]).unwrap();
    assert_eq!(store.find_detail("default", Some(1), None).unwrap(), None);
    assert_eq!(
        store.find_detail("other", Some(1), None).unwrap(),
        rendered("{\"Name\":\"third\"}")
    );
    assert!(store.delete_image(1).unwrap());
    assert_eq!(store.find_detail("other", Some(1), None).unwrap(), None);
    // Replaced wholesale: nothing kept.
    store.upsert_images(&[record(2, "default", "b")]).unwrap();
    store.find_detail("default", Some(2), None).unwrap();
    store.replace_images(&[record(2, "default", "c")]).unwrap();
    assert_eq!(store.renders.len(), 0);
    // A running scan: the record, whose view shows live progress.
    store
        .maybe_scanning
        .store(true, std::sync::atomic::Ordering::Release);
    assert!(matches!(
        store.find_detail("default", Some(2), None).unwrap(),
        Some(Found::Record(_))
    ));
    // Without a renderer: the record.
    let plain = Store::open(None).unwrap();
    plain.upsert_images(&[record(3, "default", "d")]).unwrap();
    assert_eq!(
        plain.find_detail("default", Some(3), None).unwrap(),
        Some(Found::Record(record(3, "default", "d")))
    );
}

#[test]
fn a_database_of_an_older_version_loses_its_stored_renders_and_keeps_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let old = Migrations::new(MIGRATIONS[..4].iter().map(|sql| M::up(sql)).collect());
        old.to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO images (id, account, image_id, record, detail)
             VALUES (5, 'default', 'x', '{\"ImageName\":\"kept\"}', '{\"Name\":\"stale\"}')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('detail_renderer', 'v1')",
            [],
        )
        .unwrap();
        assert_eq!(
            conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                .unwrap(),
            4
        );
    }
    let store = Store::open(Some(&path)).unwrap().with_renderer(Renderer {
        render: render_name,
    });
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(
        store.find_detail("default", Some(5), None).unwrap(),
        rendered("{\"Name\":\"kept\"}")
    );
}

/// Each table's columns and each index's, by name: what a schema is, whatever the
/// text that built it.
fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, String, Vec<String>)> {
    let objects: Vec<(String, String)> = conn
        .prepare(
            "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    objects
        .into_iter()
        .map(|(kind, name)| {
            let pragma = if kind == "index" {
                "index_xinfo"
            } else {
                "table_xinfo"
            };
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM pragma_{pragma}('{name}')"))
                .unwrap();
            let width = stmt.column_count();
            let columns = stmt
                .query_map([], |r| {
                    let cells: Vec<String> = (0..width)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    Ok(cells.join(" "))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (kind, name, columns)
        })
        .collect()
}

#[test]
fn a_new_database_gets_the_schema_the_migrations_build() {
    let mut migrated = rusqlite::Connection::open_in_memory().unwrap();
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
        .to_latest(&mut migrated)
        .unwrap();
    let mut fresh = rusqlite::Connection::open_in_memory().unwrap();
    migrate(&mut fresh).unwrap();
    let want = schema_of(&migrated);
    assert!(
        want.iter().any(|(_, name, _)| name == "records"),
        "{want:?}"
    );
    assert_eq!(schema_of(&fresh), want);
    let version = |c: &rusqlite::Connection| -> i64 {
        c.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&fresh), version(&migrated));
    // Opened again, nothing more runs.
    migrate(&mut fresh).unwrap();
    assert_eq!(schema_of(&fresh), want);
}
