//! CycloneDX JSON: lifecycle milestones stated as component properties.
//!
//! CycloneDX has no core field for a product's end of life; the property taxonomy names them
//! `cdx:lifecycle:milestone:<name>` with ISO 8601 values. The FDA taxonomy's dated properties
//! (`cdx:fda:end-of-support-date`, `cdx:fda:end-of-life-date`) say the same for a component and
//! are read too. Every component (the BOM's subject in `metadata.component` and every entry of
//! `components`, nested ones included) that has one becomes a notice.

use serde_json::{Map, Value};

use crate::dates::{self, Rule};
use crate::error::NoticeError;
use crate::json::{Ptr, Reader, non_empty};
use crate::model::{Mapped, Notice, NoticeFormat, ProductRef, Warning};

const PREFIX: &str = "cdx:lifecycle:milestone:";

/// A CycloneDX date takes effect on its own day and may be a bare date.
const RULE: Rule = Rule {
    last_day: false,
    timestamps: false,
};

/// The N70 meaning of a property name, `None` when it is no lifecycle date at all.
fn mapping(name: &str) -> Option<(Mapped, bool)> {
    // The bool says whether the name is one the taxonomies define.
    let known = |m| Some((m, true));
    match name {
        "cdx:fda:end-of-support-date" => known(Mapped::Eos),
        "cdx:fda:end-of-life-date" => known(Mapped::EndOfLife),
        _ => match name.strip_prefix(PREFIX)? {
            "generalAvailability" => known(Mapped::GeneralAvailability),
            "endOfMarketing" | "endOfProduction" => known(Mapped::Eol),
            "endOfSupport" => known(Mapped::Eos),
            "endOfLife" => known(Mapped::EndOfLife),
            "endOfDevelopment" | "endOfGuaranteedSupport" | "endOfBusinessOperations" => {
                known(Mapped::Other)
            }
            _ => Some((Mapped::Other, false)),
        },
    }
}

pub(crate) fn read(r: Reader<'_>, root: &Map<String, Value>) -> Result<Vec<Notice>, NoticeError> {
    let at = Ptr::root();
    let mut notices = Vec::new();
    if let Some(metadata) = r.opt_object(root, "metadata", &at)?
        && let Some(component) = r.opt_object(metadata, "component", &at.key("metadata"))?
    {
        visit(
            r,
            component,
            &at.key("metadata").key("component"),
            &mut notices,
        )?;
    }
    visit_list(r, root, &at, &mut notices)?;
    Ok(notices)
}

fn visit_list(
    r: Reader<'_>,
    parent: &Map<String, Value>,
    at: &Ptr,
    notices: &mut Vec<Notice>,
) -> Result<(), NoticeError> {
    if let Some(list) = r.opt_array(parent, "components", at)? {
        for (i, c) in list.iter().enumerate() {
            let at = at.key("components").index(i);
            visit(r, r.object(c, &at)?, &at, notices)?;
        }
    }
    Ok(())
}

// Recursion depth is bounded by serde_json's nesting limit, which the document already passed.
fn visit(
    r: Reader<'_>,
    component: &Map<String, Value>,
    at: &Ptr,
    notices: &mut Vec<Notice>,
) -> Result<(), NoticeError> {
    let mut milestones = Vec::new();
    let mut warnings = Vec::new();
    if let Some(props) = r.opt_array(component, "properties", at)? {
        for (i, prop) in props.iter().enumerate() {
            let at = at.key("properties").index(i);
            let prop = r.object(prop, &at)?;
            let Some(name) = r.opt_str(prop, "name", &at)? else {
                continue;
            };
            let Some((mapped, known)) = mapping(name) else {
                continue;
            };
            if !known {
                warnings.push(Warning {
                    location: at.key("name").as_str().to_owned(),
                    message: format!(
                        "`{name}` is not a milestone of the CycloneDX lifecycle taxonomy; kept as other"
                    ),
                });
            }
            let raw = r.opt_str(prop, "value", &at)?;
            milestones.push(dates::milestone(
                name,
                mapped,
                raw,
                &at.key("value"),
                RULE,
                None,
                &mut warnings,
            ));
        }
    }
    if !milestones.is_empty() {
        notices.push(crate::finish(Notice {
            format: NoticeFormat::CycloneDx,
            location: at.as_str().to_owned(),
            product: product(r, component, at)?,
            milestones,
            announced: None,
            warnings,
        }));
    }
    visit_list(r, component, at, notices)
}

/// The component's identity; the vendor is its supplier, else its manufacturer (1.6), else its
/// publisher.
fn product(r: Reader<'_>, c: &Map<String, Value>, at: &Ptr) -> Result<ProductRef, NoticeError> {
    let mut vendor = None;
    for key in ["supplier", "manufacturer"] {
        if vendor.is_none()
            && let Some(org) = r.opt_object(c, key, at)?
        {
            vendor = non_empty(r.opt_str(org, "name", &at.key(key))?);
        }
    }
    if vendor.is_none() {
        vendor = non_empty(r.opt_str(c, "publisher", at)?);
    }
    Ok(ProductRef {
        purl: non_empty(r.opt_str(c, "purl", at)?),
        cpe: non_empty(r.opt_str(c, "cpe", at)?),
        vendor,
        product: non_empty(r.opt_str(c, "name", at)?),
        version: non_empty(r.opt_str(c, "version", at)?),
        ..ProductRef::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_table() {
        let m = |n: &str| mapping(n).map(|(m, _)| m);
        assert_eq!(
            m("cdx:lifecycle:milestone:endOfMarketing"),
            Some(Mapped::Eol)
        );
        assert_eq!(
            m("cdx:lifecycle:milestone:endOfProduction"),
            Some(Mapped::Eol)
        );
        assert_eq!(m("cdx:lifecycle:milestone:endOfSupport"), Some(Mapped::Eos));
        assert_eq!(
            m("cdx:lifecycle:milestone:endOfLife"),
            Some(Mapped::EndOfLife)
        );
        assert_eq!(
            m("cdx:lifecycle:milestone:generalAvailability"),
            Some(Mapped::GeneralAvailability)
        );
        assert_eq!(
            m("cdx:lifecycle:milestone:endOfDevelopment"),
            Some(Mapped::Other)
        );
        assert_eq!(
            mapping("cdx:lifecycle:milestone:endOfFun"),
            Some((Mapped::Other, false))
        );
        assert_eq!(m("cdx:fda:end-of-support-date"), Some(Mapped::Eos));
        assert_eq!(m("cdx:fda:level-of-support"), None);
        assert_eq!(m("End-of-Support"), None);
    }
}
