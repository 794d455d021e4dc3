//! The machine-readable API: actions, their members and types, documented examples.
//!
//! Generated from the official spec in the `tccli` package by `scripts/gen-spec.py`
//! into static tables (`generated.rs`), keyed by service and version so another
//! service can be added by generating its file. Only TCSS 2020-11-01 ships.

#[rustfmt::skip]
mod generated;
mod shape;
pub mod types;
mod validate;

pub use shape::{Shaped, shape, zero_value};
pub use types::{Action, Example, Kind, Member, Object, Service};
pub use validate::{check_member, validate, validate_at, validate_partial};

/// Every service the emulator knows.
pub static SERVICES: &[&Service] = &[&generated::TCSS_2020_11_01];

/// TCSS 2020-11-01, the service this emulator serves.
pub fn tcss() -> &'static Service {
    &generated::TCSS_2020_11_01
}

impl Service {
    /// The action named `name` (case-sensitive, as the gateway is).
    pub fn action(&self, name: &str) -> Option<&'static Action>
    where
        Self: 'static,
    {
        let actions: &'static [Action] = self.actions;
        actions
            .binary_search_by(|a| a.name.cmp(name))
            .ok()
            .map(|i| &actions[i])
    }

    /// The object at `index` (from [`Kind::Object`], `Action::input`, `Action::output`).
    pub fn object(&self, index: u16) -> &'static Object
    where
        Self: 'static,
    {
        let objects: &'static [Object] = self.objects;
        &objects[usize::from(index)]
    }

    /// The object type named `name`.
    pub fn object_named(&self, name: &str) -> Option<&'static Object>
    where
        Self: 'static,
    {
        let objects: &'static [Object] = self.objects;
        objects
            .binary_search_by(|o| o.name.cmp(name))
            .ok()
            .map(|i| &objects[i])
    }
}

impl Object {
    pub fn member(&self, name: &str) -> Option<&'static Member>
    where
        Self: 'static,
    {
        let members: &'static [Member] = self.members;
        members.iter().find(|m| m.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        let svc = tcss();
        assert!(svc.actions.windows(2).all(|w| w[0].name < w[1].name));
        assert!(svc.objects.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(svc.actions.len(), 357);
    }

    #[test]
    fn every_object_reference_is_in_range() {
        let svc = tcss();
        for action in svc.actions {
            assert!(usize::from(action.input) < svc.objects.len());
            assert!(usize::from(action.output) < svc.objects.len());
        }
        for object in svc.objects {
            for m in object.members {
                if let Kind::Object(i) = m.kind {
                    assert!(
                        usize::from(i) < svc.objects.len(),
                        "{}.{}",
                        object.name,
                        m.name
                    );
                }
            }
        }
    }

    #[test]
    fn detail_action_has_its_documented_members() {
        let svc = tcss();
        let action = svc.action("DescribeAssetImageRegistryDetail").unwrap();
        let input = svc.object(action.input);
        assert_eq!(input.member("Id").unwrap().kind, Kind::Uint64);
        assert_eq!(input.member("ImageId").unwrap().kind, Kind::String);
        let output = svc.object(action.output);
        assert!(output.member("SentiveInfoCnt").unwrap().disabled);
        assert!(output.member("SensitiveInfoCnt").is_some());
        assert_eq!(
            output.member("ImageCreateTime").unwrap().kind,
            Kind::DateTimeIso
        );
        assert!(svc.action("describeAssetImageRegistryDetail").is_none());
    }
}
