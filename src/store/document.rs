//! Reading a fixture document `{"images": [record, ...], "<collection>": [...]}` one
//! record at a time: each record is handed on, with its array's key, as its JSON text (borrowed from the document, its syntax
//! checked), to be built into values and dropped before the next is read, so a large
//! document never exists as one tree of values (which takes tens of times the memory
//! of its text).

use std::cell::RefCell;
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
    /// A top-level member that is not known, or comes twice.
    UnknownField(String),
    /// A top-level member that is not an array.
    NotArray(String),
    /// Record `n` (0-based) was refused by the caller.
    Record(usize, E),
}

/// Hands each record of the document `text` to `each` (its array's key, its index in
/// the array, its JSON text), in order; every top-level key must satisfy `known`.
/// Stops at the first error.
pub fn for_each_record<'t, E>(
    text: &'t str,
    known: &dyn Fn(&str) -> bool,
    each: impl FnMut(&str, usize, &'t RawValue) -> Result<(), E>,
) -> Result<(), DocError<E>> {
    let reader = Reader {
        each: RefCell::new(each),
        known,
        failure: RefCell::new(None),
        in_array: RefCell::new(None),
        seen: RefCell::new(Vec::new()),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let read = (&reader).deserialize(&mut de).and_then(|()| de.end());
    match read {
        Ok(()) => Ok(()),
        Err(e) => Err(match reader.failure.into_inner() {
            Some(failure) => failure,
            None if e.classify() != serde_json::error::Category::Data => DocError::Json(e),
            None => match reader.in_array.into_inner() {
                Some(key) => DocError::NotArray(key),
                None => DocError::NotObject,
            },
        }),
    }
}

/// The visitor of the document and of its arrays; what went wrong is kept aside
/// (serde's errors carry only text).
struct Reader<'k, F, E> {
    each: RefCell<F>,
    known: &'k dyn Fn(&str) -> bool,
    failure: RefCell<Option<DocError<E>>>,
    /// The key whose value is being read (a type error there is `NotArray`).
    in_array: RefCell<Option<String>>,
    seen: RefCell<Vec<String>>,
}

impl<F, E> Reader<'_, F, E> {
    fn fail<Er: de::Error>(&self, failure: DocError<E>) -> Er {
        *self.failure.borrow_mut() = Some(failure);
        Er::custom("fixture document refused")
    }
}

impl<'de, F, E> DeserializeSeed<'de> for &Reader<'_, F, E>
where
    F: FnMut(&str, usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F, E> Visitor<'de> for &Reader<'_, F, E>
where
    F: FnMut(&str, usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fixture document {\"images\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if !(self.known)(&key) || self.seen.borrow().contains(&key) {
                return Err(self.fail(DocError::UnknownField(key)));
            }
            self.seen.borrow_mut().push(key.clone());
            *self.in_array.borrow_mut() = Some(key.clone());
            map.next_value_seed(Records(self, &key))?;
            *self.in_array.borrow_mut() = None;
        }
        Ok(())
    }
}

/// One top-level array, with its key.
struct Records<'r, 'k, F, E>(&'r Reader<'k, F, E>, &'r str);

impl<'de, F, E> DeserializeSeed<'de> for Records<'_, '_, F, E>
where
    F: FnMut(&str, usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F, E> Visitor<'de> for Records<'_, '_, F, E>
where
    F: FnMut(&str, usize, &'de RawValue) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        let reader = self.0;
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            // A record is any JSON value: the caller says what is wrong with it.
            let key = reader.in_array.borrow_mut().take();
            let outcome = (reader.each.borrow_mut())(self.1, n, record);
            if let Err(e) = outcome {
                return Err(reader.fail(DocError::Record(n, e)));
            }
            *reader.in_array.borrow_mut() = key;
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
        for_each_record(text, &|k| k == "images", |_, _, v| {
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
            Err(DocError::NotArray(_))
        ));
        assert!(matches!(
            read(r#"{"images": null}"#),
            Err(DocError::NotArray(_))
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
