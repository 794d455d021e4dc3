//! Reading a fixture document `{"images": [record, ...]}` one record at a time: each
//! record is handed on as its JSON text (borrowed from the document, its syntax
//! checked), to be built into values and dropped before the next is read, so a large
//! document never exists as one tree of values (which takes tens of times the memory
//! of its text).

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Why a document could not be read.
#[derive(Debug)]
pub enum DocError<E> {
    /// Not JSON (syntax, nesting, trailing characters).
    Json(serde_json::Error),
    /// Not a JSON object.
    NotObject,
    /// A top-level member other than one `images`.
    UnknownField(String),
    /// `images` is not an array.
    ImagesNotArray,
    /// Record `n` (0-based) was refused by the caller.
    Record(usize, E),
}

/// Hands each record of the document `text` to `each` (its index, its JSON text), in
/// order; stops at the first error.
pub fn for_each_image<'t, E>(
    text: &'t str,
    each: impl FnMut(usize, &'t RawValue) -> Result<(), E>,
) -> Result<(), DocError<E>> {
    let reader = Reader {
        each: RefCell::new(each),
        failure: RefCell::new(None),
        in_images: Cell::new(false),
        seen_images: Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let read = (&reader).deserialize(&mut de).and_then(|()| de.end());
    match read {
        Ok(()) => Ok(()),
        Err(e) => Err(match reader.failure.into_inner() {
            Some(failure) => failure,
            None if e.classify() != serde_json::error::Category::Data => DocError::Json(e),
            None if reader.in_images.get() => DocError::ImagesNotArray,
            None => DocError::NotObject,
        }),
    }
}

/// The visitor of the document and of its `images`; what went wrong is kept aside
/// (serde's errors carry only text).
struct Reader<F, E> {
    each: RefCell<F>,
    failure: RefCell<Option<DocError<E>>>,
    /// Inside `images` (a type error there is `ImagesNotArray`).
    in_images: Cell<bool>,
    seen_images: Cell<bool>,
}

impl<F, E> Reader<F, E> {
    fn fail<Er: de::Error>(&self, failure: DocError<E>) -> Er {
        *self.failure.borrow_mut() = Some(failure);
        Er::custom("fixture document refused")
    }
}

impl<'de, F, E> DeserializeSeed<'de> for &Reader<F, E>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F, E> Visitor<'de> for &Reader<F, E>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fixture document {\"images\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key != "images" || self.seen_images.replace(true) {
                return Err(self.fail(DocError::UnknownField(key)));
            }
            self.in_images.set(true);
            map.next_value_seed(Images(self))?;
            self.in_images.set(false);
        }
        Ok(())
    }
}

/// The `images` array.
struct Images<'r, F, E>(&'r Reader<F, E>);

impl<'de, F, E> DeserializeSeed<'de> for Images<'_, F, E>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F, E> Visitor<'de> for Images<'_, F, E>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            // A record is any JSON value: the caller says what is wrong with it.
            self.0.in_images.set(false);
            let outcome = (self.0.each.borrow_mut())(n, record);
            if let Err(e) = outcome {
                return Err(self.0.fail(DocError::Record(n, e)));
            }
            self.0.in_images.set(true);
            n += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<String>, DocError<String>> {
        let mut out = Vec::new();
        for_each_image(text, |_, v| {
            if v.get() == "\"bad\"" {
                return Err("bad record".to_string());
            }
            out.push(v.get().to_string());
            Ok(())
        })
        .map(|()| out)
    }

    #[test]
    fn records_come_one_by_one_and_shapes_are_told_apart() {
        assert_eq!(
            read(r#"{"images": [1, {"a": 2}]}"#).unwrap(),
            vec!["1", r#"{"a": 2}"#]
        );
        assert!(read("{}").unwrap().is_empty());
        assert!(matches!(read("[]"), Err(DocError::NotObject)));
        assert!(matches!(read("5"), Err(DocError::NotObject)));
        assert!(matches!(
            read(r#"{"images": {}}"#),
            Err(DocError::ImagesNotArray)
        ));
        assert!(matches!(
            read(r#"{"images": null}"#),
            Err(DocError::ImagesNotArray)
        ));
        assert!(matches!(read(r#"{"imgs": []}"#), Err(DocError::UnknownField(k)) if k == "imgs"));
        assert!(matches!(
            read(r#"{"images": [], "images": []}"#),
            Err(DocError::UnknownField(_))
        ));
        assert!(matches!(
            read(r#"{"images": [1, "bad"]}"#),
            Err(DocError::Record(1, _))
        ));
        for broken in ["not json", r#"{"images": [1,"#, r#"{"images": []} x"#] {
            assert!(matches!(read(broken), Err(DocError::Json(_))), "{broken}");
        }
        let deep = format!("{{\"images\": [{}]}}", "[".repeat(200));
        assert!(matches!(read(&deep), Err(DocError::Json(_))), "unclosed");
    }
}
