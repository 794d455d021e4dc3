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
    Some(format!("{{\"Name\":\"img{}\"}}", r.id))
}

#[test]
fn records_carry_their_rendered_answer_until_the_renderer_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let renderer = |fingerprint: &str| Renderer {
        render: render_name,
        fingerprint: fingerprint.into(),
    };
    {
        let store = Store::open(Some(&path))
            .unwrap()
            .with_renderer(renderer("v1"))
            .unwrap();
        store.upsert_images(&[record(1, "default", "a")]).unwrap();
        assert_eq!(
            store.find_detail("default", Some(1), None).unwrap(),
            Some(Found::Rendered("{\"Name\":\"img1\"}".into()))
        );
        assert_eq!(
            store.find_detail("default", None, Some("a")).unwrap(),
            Some(Found::Rendered("{\"Name\":\"img1\"}".into()))
        );
        assert_eq!(store.find_detail("other", Some(1), None).unwrap(), None);
    }
    // The same renderer again: the renders stay.
    {
        let store = Store::open(Some(&path))
            .unwrap()
            .with_renderer(renderer("v1"))
            .unwrap();
        assert!(matches!(
            store.find_detail("default", Some(1), None).unwrap(),
            Some(Found::Rendered(_))
        ));
    }
    // Another renderer: the old renders are gone, the record is served instead.
    let store = Store::open(Some(&path))
        .unwrap()
        .with_renderer(renderer("v2"))
        .unwrap();
    assert_eq!(
        store.find_detail("default", Some(1), None).unwrap(),
        Some(Found::Record(record(1, "default", "a")))
    );
    // A running scan: the record, whose view shows live progress.
    store.upsert_images(&[record(2, "default", "b")]).unwrap();
    store
        .maybe_scanning
        .store(true, std::sync::atomic::Ordering::Release);
    assert!(matches!(
        store.find_detail("default", Some(2), None).unwrap(),
        Some(Found::Record(_))
    ));
}

#[test]
fn a_large_batch_is_rendered_in_parts_and_in_order() {
    let records: Vec<ImageRecord> = (1..=5000).map(|i| record(i, "default", "x")).collect();
    let renderer = Renderer {
        render: render_name,
        fingerprint: "v".into(),
    };
    let renders = images::render_all(Some(&renderer), &records);
    assert_eq!(renders.len(), records.len());
    for (r, rendered) in records.iter().zip(&renders) {
        assert_eq!(rendered.as_deref(), render_name(r).as_deref());
    }
    assert!(
        images::render_all(None, &records)
            .iter()
            .all(Option::is_none)
    );
}
